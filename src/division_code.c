/*-------------------------------------------------------------------------
 *
 * division_code.c
 *	  Division codes as users write them: the 6- and 9-digit forms of a
 *	  12-digit code, accepted by every table, and the fault of a code in
 *	  words without raising an error.
 *
 * The official list of codes itself (poverty_aid.division_code) is
 * reference data in SQL; this file holds only what must be fast because it
 * runs once per row: the trigger that stores every region code column in
 * its 12-digit form, and the non-raising check the loader applies to a
 * whole staged file in one statement.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/rel.h"

#include "region_code.h"

/*
 * region_code_fault(code text) returns text
 *		What is wrong with a division code, in the words of the error
 *		region_code() would raise, or NULL for a valid code given as 6, 9 or
 *		12 digits.  Never raises: the loader checks a million staged codes in
 *		one statement with it.
 */
PG_FUNCTION_INFO_V1(pa_region_code_fault);
Datum
pa_region_code_fault(PG_FUNCTION_ARGS)
{
	text	   *arg = PG_GETARG_TEXT_PP(0);
	char		code[REGION_CODE_LEN + 1];
	int			level;
	char	   *fault;

	fault = region_code_fault(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg), code, &level);
	if (fault == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(fault));
}

/*
 * region_codes_normalize() trigger, BEFORE INSERT OR UPDATE FOR EACH ROW,
 * with the names of the row's division code columns as arguments.
 *		Stores each named column in its 12-digit form, so that a code given
 *		as 6 or 9 digits is accepted by every table as by every function; an
 *		invalid code is an error 22023 naming the code and the column (rather
 *		than a foreign key or CHECK violation that names neither).
 */
PG_FUNCTION_INFO_V1(pa_region_codes_normalize);
Datum
pa_region_codes_normalize(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Trigger    *trigger;
	TupleDesc	tupdesc;
	HeapTuple	tuple;
	int		   *columns;
	Datum	   *values;
	bool	   *nulls;
	int			changed = 0;
	int			i;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("region_codes_normalize() must be a BEFORE INSERT OR UPDATE row trigger")));

	trigger = trigdata->tg_trigger;
	tupdesc = trigdata->tg_relation->rd_att;
	tuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
		trigdata->tg_newtuple : trigdata->tg_trigtuple;

	columns = palloc(sizeof(int) * trigger->tgnargs);
	values = palloc(sizeof(Datum) * trigger->tgnargs);
	nulls = palloc(sizeof(bool) * trigger->tgnargs);
	for (i = 0; i < trigger->tgnargs; i++)
	{
		int			attnum = SPI_fnumber(tupdesc, trigger->tgargs[i]);
		bool		isnull;
		Datum		value;
		text	   *code;
		char		normal[REGION_CODE_LEN + 1];
		int			level;
		char	   *fault;

		if (attnum <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of table \"%s\" does not exist",
							trigger->tgargs[i],
							RelationGetRelationName(trigdata->tg_relation))));
		value = heap_getattr(tuple, attnum, tupdesc, &isnull);
		if (isnull)
			continue;
		code = DatumGetTextPP(value);
		if (VARSIZE_ANY_EXHDR(code) == REGION_CODE_LEN &&
			region_code_fault(VARDATA_ANY(code), REGION_CODE_LEN, normal, &level) == NULL)
			continue;			/* the common case: stored as given */
		fault = region_code_fault(VARDATA_ANY(code), VARSIZE_ANY_EXHDR(code), normal, &level);
		if (fault != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid division code in column \"%s\" of table \"%s\"",
							trigger->tgargs[i],
							RelationGetRelationName(trigdata->tg_relation)),
					 errdetail_internal("%s", fault)));
		columns[changed] = attnum;
		values[changed] = PointerGetDatum(cstring_to_text(normal));
		nulls[changed] = false;
		changed++;
	}
	if (changed > 0)
		tuple = heap_modify_tuple_by_cols(tuple, tupdesc, changed, columns,
										  values, nulls);
	return PointerGetDatum(tuple);
}
