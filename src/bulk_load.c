/*-------------------------------------------------------------------------
 *
 * bulk_load.c
 *	  CSV parsing for the bulk loader (poverty_aid.load_csv).
 *
 * csv_records() splits a CSV text (RFC 4180: comma separated, fields
 * optionally quoted with ", a doubled "" inside quotes is one ", line ends
 * LF, CRLF or CR) into records and reports for each the line on which it
 * starts, so that every error the loader reports can name its line in the
 * file.  As in COPY ... CSV, an unquoted empty field is NULL and a quoted
 * empty field ("") is the empty string.  A malformed record does not stop
 * the parse: it is returned with NULL fields and a description of the
 * fault, and parsing resumes at the next line.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

/* One record being assembled. */
typedef struct CsvRecord
{
	ArrayBuildState *fields;
	StringInfoData field;
	char	   *error;			/* fault of a malformed record, or NULL */
} CsvRecord;

/* Append the field collected so far to the record (NULL when unquoted and empty). */
static void
end_field(CsvRecord *record, bool quoted, MemoryContext context)
{
	bool		is_null = (!quoted && record->field.len == 0);
	Datum		value = is_null ? (Datum) 0 :
		PointerGetDatum(cstring_to_text_with_len(record->field.data,
												 record->field.len));

	record->fields = accumArrayResult(record->fields, value, is_null,
									  TEXTOID, context);
	resetStringInfo(&record->field);
}

/* Emit one result row: line, fields (NULL for a malformed record), error. */
static void
emit_record(ReturnSetInfo *rsinfo, int line, CsvRecord *record,
			MemoryContext context)
{
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	values[0] = Int32GetDatum(line);
	if (record->error != NULL)
	{
		nulls[1] = true;
		values[2] = PointerGetDatum(cstring_to_text(record->error));
	}
	else
	{
		values[1] = makeArrayResult(record->fields, context);
		nulls[2] = true;
	}
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	record->fields = NULL;
	record->error = NULL;
	resetStringInfo(&record->field);
}

/*
 * csv_records(csv text) returns table (line_no integer, fields text[], error text)
 *		The records of a CSV text with the line each starts on; blank lines
 *		are skipped.  Malformed records (an unterminated quoted field, text
 *		after a closing quote, a quote inside an unquoted field) come back
 *		with fields NULL and error set.
 */
PG_FUNCTION_INFO_V1(pa_csv_records);
Datum
pa_csv_records(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *csv = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(csv);
	int			len = VARSIZE_ANY_EXHDR(csv);
	int			pos = 0;
	int			line = 1;		/* line of the current position */
	CsvRecord	record;

	InitMaterializedSRF(fcinfo, 0);

	record.fields = NULL;
	record.error = NULL;
	initStringInfo(&record.field);

	while (pos < len)
	{
		int			record_line = line;
		bool		record_done = false;
		bool		blank = true;

		while (!record_done)
		{
			bool		quoted = false;

			if (pos < len && s[pos] == '"')
			{
				int			quote_line = line;
				bool		closed = false;

				quoted = true;
				blank = false;
				pos++;
				while (pos < len)
				{
					char		c = s[pos];

					if (c == '"')
					{
						if (pos + 1 < len && s[pos + 1] == '"')
						{
							appendStringInfoChar(&record.field, '"');
							pos += 2;
							continue;
						}
						pos++;
						closed = true;
						break;
					}
					if (c == '\n' || (c == '\r' && !(pos + 1 < len && s[pos + 1] == '\n')))
						line++;
					appendStringInfoChar(&record.field, c);
					pos++;
				}
				if (!closed)
				{
					record.error = psprintf("unterminated quoted field: the quote opened on line %d is never closed",
											quote_line);
					emit_record(rsinfo, record_line, &record,
								rsinfo->econtext->ecxt_per_query_memory);
					PG_RETURN_NULL();
				}
				if (pos < len && s[pos] != ',' && s[pos] != '\n' && s[pos] != '\r')
					record.error = psprintf("unexpected character \"%c\" after a closing quote",
											s[pos]);
			}
			else
			{
				while (pos < len && s[pos] != ',' && s[pos] != '\n' && s[pos] != '\r')
				{
					if (s[pos] == '"' && record.error == NULL)
						record.error = pstrdup("unexpected quote inside an unquoted field; quote the whole field and double the quotes inside it");
					appendStringInfoChar(&record.field, s[pos]);
					blank = false;
					pos++;
				}
			}

			/* Skip the rest of the line of a malformed record. */
			if (record.error != NULL)
			{
				while (pos < len && s[pos] != '\n' && s[pos] != '\r')
					pos++;
			}
			else
				end_field(&record, quoted, rsinfo->econtext->ecxt_per_query_memory);

			if (pos >= len)
				record_done = true;
			else if (s[pos] == ',' && record.error == NULL)
			{
				blank = false;
				pos++;
				if (pos >= len)
				{
					/* "a,b," at the very end: a last empty field */
					end_field(&record, false, rsinfo->econtext->ecxt_per_query_memory);
					record_done = true;
				}
			}
			else
			{
				/* end of line: LF, CRLF or CR */
				if (s[pos] == '\r' && pos + 1 < len && s[pos + 1] == '\n')
					pos++;
				pos++;
				line++;
				record_done = true;
			}
		}

		if (record.error != NULL || !blank)
			emit_record(rsinfo, record_line, &record,
						rsinfo->econtext->ecxt_per_query_memory);
		else
		{
			record.fields = NULL;
			resetStringInfo(&record.field);
		}
	}
	PG_RETURN_NULL();
}
