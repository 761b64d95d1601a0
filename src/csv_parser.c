/*-------------------------------------------------------------------------
 *
 * csv_parser.c
 *	  CSV parsing for the bulk loader (poverty_aid.load_csv).
 *
 * csv_records() splits a CSV text (RFC 4180: comma separated, fields
 * optionally quoted with ", a doubled "" inside quotes is one ", line ends
 * LF, CRLF or CR) into records and reports for each the line on which it
 * starts, so that every error the loader reports can name its line in the
 * file.  As in COPY ... CSV, an unquoted empty field is NULL and a quoted
 * empty field ("") is the empty string.  A malformed record does not stop
 * the parse: it is returned with NULL fields and a description of the
 * fault, and parsing resumes at the next line.  A UTF-8 byte-order mark at
 * the start of the text is skipped, so that it does not become part of the
 * first column name.
 *
 * Memory: a record's fields are collected in one buffer with their end
 * offsets, and its text[] is built in one allocation straight from that
 * buffer (no datum per field) and freed as soon as the tuplestore has it;
 * the rows themselves go to the tuplestore, which spills to disk beyond
 * work_mem.  A record may have at most CSV_MAX_FIELDS fields -- no table
 * has more columns -- so the per-field overhead is bounded too; a record
 * with more comes back as malformed.  Peak memory is a small multiple of the
 * longest record plus the text itself.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

/* Fields a record may have: as many as a table may have columns. */
#define CSV_MAX_FIELDS	MaxHeapAttributeNumber

/* One record being assembled. */
typedef struct CsvRecord
{
	StringInfoData content;		/* the fields' text, one after another */
	int			field_start;	/* where the current field's text starts */
	int			nfields;
	int		   *field_end;		/* end offset of each field in content */
	bool	   *field_null;		/* whether each field is NULL */
	char	   *error;			/* fault of a malformed record, or NULL */
} CsvRecord;

/*
 * Append the field collected so far to the record (NULL when unquoted and
 * empty); a field beyond CSV_MAX_FIELDS makes the record malformed.
 */
static void
end_field(CsvRecord *record, bool quoted)
{
	if (record->nfields == CSV_MAX_FIELDS)
	{
		record->error = psprintf("record has more than %d fields", CSV_MAX_FIELDS);
		return;
	}
	record->field_end[record->nfields] = record->content.len;
	record->field_null[record->nfields] = (!quoted && record->content.len == record->field_start);
	record->nfields++;
	record->field_start = record->content.len;
}

/* Forget the record's fields and fault, keeping its buffers. */
static void
reset_record(CsvRecord *record)
{
	resetStringInfo(&record->content);
	record->field_start = 0;
	record->nfields = 0;
	record->error = NULL;
}

/*
 * The record's fields as a one-dimensional text[], built in one allocation
 * in the layout construct_md_array produces (4-byte varlena headers, int
 * alignment, a null bitmap when a field is NULL).
 */
static ArrayType *
record_array(CsvRecord *record, int line)
{
	int			nfields = record->nfields;
	bool		any_null = false;
	Size		data_size = 0;
	Size		overhead;
	Size		total;
	ArrayType  *array;
	bits8	   *bitmap;
	char	   *data;
	int			start = 0;
	int			i;

	for (i = 0; i < nfields; i++)
	{
		if (record->field_null[i])
			any_null = true;
		else
			data_size += INTALIGN(VARHDRSZ + (record->field_end[i] - start));
		start = record->field_end[i];
	}
	overhead = any_null ? ARR_OVERHEAD_WITHNULLS(1, nfields) : ARR_OVERHEAD_NONULLS(1);
	total = overhead + data_size;
	if (!AllocSizeIsValid(total))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("CSV record too large"),
				 errdetail("The record on line %d would take %zu bytes as an array; the limit is %zu bytes.",
						   line, total, (Size) MaxAllocSize)));

	array = (ArrayType *) palloc0(total);
	SET_VARSIZE(array, total);
	array->ndim = 1;
	array->dataoffset = any_null ? (int32) overhead : 0;
	array->elemtype = TEXTOID;
	ARR_DIMS(array)[0] = nfields;
	ARR_LBOUND(array)[0] = 1;
	bitmap = ARR_NULLBITMAP(array);
	data = (char *) array + overhead;
	start = 0;
	for (i = 0; i < nfields; i++)
	{
		int			field_len = record->field_end[i] - start;

		if (!record->field_null[i])
		{
			if (bitmap)
				bitmap[i / BITS_PER_BYTE] |= 1 << (i % BITS_PER_BYTE);
			SET_VARSIZE(data, VARHDRSZ + field_len);
			memcpy(VARDATA(data), record->content.data + start, field_len);
			data += INTALIGN(VARHDRSZ + field_len);
		}
		start = record->field_end[i];
	}
	return array;
}

/* Emit one result row: line, fields (NULL for a malformed record), error. */
static void
emit_record(ReturnSetInfo *rsinfo, int line, CsvRecord *record)
{
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	ArrayType  *array = NULL;

	values[0] = Int32GetDatum(line);
	if (record->error != NULL)
	{
		nulls[1] = true;
		values[2] = PointerGetDatum(cstring_to_text(record->error));
	}
	else
	{
		array = record_array(record, line);
		values[1] = PointerGetDatum(array);
		nulls[2] = true;
	}
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	if (array != NULL)
		pfree(array);
	reset_record(record);
}

/*
 * The character at s (of at most "available" bytes) quoted for a message:
 * the whole character however many bytes it has, and in a UTF-8 database
 * its code point when it is not ASCII (it may be invisible, like a
 * no-break space).
 */
static char *
describe_character(const char *s, int available)
{
	int			length = Min(pg_mblen(s), available);

	if (GetDatabaseEncoding() == PG_UTF8 && IS_HIGHBIT_SET(*s) &&
		length == pg_utf_mblen((const unsigned char *) s))
		return psprintf("\"%.*s\" (U+%04X)", length, s,
						(unsigned int) utf8_to_unicode((const unsigned char *) s));
	return psprintf("\"%.*s\"", length, s);
}

/*
 * csv_records(csv text) returns table (line_no integer, fields text[], error text)
 *		The records of a CSV text with the line each starts on; blank lines
 *		are skipped.  Malformed records (an unterminated quoted field, text
 *		after a closing quote, a quote inside an unquoted field, more than
 *		CSV_MAX_FIELDS fields) come back with fields NULL and error set.
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

	initStringInfo(&record.content);
	record.field_end = palloc(CSV_MAX_FIELDS * sizeof(int));
	record.field_null = palloc(CSV_MAX_FIELDS * sizeof(bool));
	reset_record(&record);

	/* a UTF-8 byte-order mark is not part of the first field */
	if (GetDatabaseEncoding() == PG_UTF8 && len >= 3 &&
		memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;

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
							appendStringInfoChar(&record.content, '"');
							pos += 2;
							continue;
						}
						pos++;
						closed = true;
						break;
					}
					if (c == '\n' || (c == '\r' && !(pos + 1 < len && s[pos + 1] == '\n')))
						line++;
					appendStringInfoChar(&record.content, c);
					pos++;
				}
				if (!closed)
				{
					record.error = psprintf("unterminated quoted field: the quote opened on line %d is never closed",
											quote_line);
					emit_record(rsinfo, record_line, &record);
					PG_RETURN_NULL();
				}
				if (pos < len && s[pos] != ',' && s[pos] != '\n' && s[pos] != '\r')
					record.error = psprintf("unexpected character %s after a closing quote",
											describe_character(s + pos, len - pos));
			}
			else
			{
				int			run = pos;

				while (pos < len && s[pos] != ',' && s[pos] != '\n' && s[pos] != '\r')
				{
					if (s[pos] == '"' && record.error == NULL)
						record.error = pstrdup("unexpected quote inside an unquoted field; quote the whole field and double the quotes inside it");
					pos++;
				}
				if (pos > run)
				{
					appendBinaryStringInfo(&record.content, s + run, pos - run);
					blank = false;
				}
			}

			if (record.error == NULL)
				end_field(&record, quoted);
			/* Skip the rest of the line of a malformed record. */
			if (record.error != NULL)
			{
				while (pos < len && s[pos] != '\n' && s[pos] != '\r')
					pos++;
			}

			if (pos >= len)
				record_done = true;
			else if (s[pos] == ',' && record.error == NULL)
			{
				blank = false;
				pos++;
				if (pos >= len)
				{
					/* "a,b," at the very end: a last empty field */
					end_field(&record, false);
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
			emit_record(rsinfo, record_line, &record);
		else
			reset_record(&record);
	}
	PG_RETURN_NULL();
}
