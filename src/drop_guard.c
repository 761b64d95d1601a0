/*-------------------------------------------------------------------------
 *
 * drop_guard.c
 *	  Refuse to drop the register by accident.
 *
 * DROP EXTENSION poverty_aid removes every register table with its rows.
 * The event trigger poverty_aid_drop_guard (ddl_command_start) calls
 * drop_guard() before each DROP EXTENSION, DROP SCHEMA and DROP OWNED: when
 * the command would drop the extension -- by naming it, by a CASCADE drop of
 * an extension it requires (btree_gist) or of the schema of either, or by
 * dropping what a role owns when that role owns one of them -- and a register
 * table holds rows, the command fails with 55000, a detail counting the rows
 * and a hint, unless the superuser-only setting
 * poverty_aid.allow_drop_register is on.
 *
 * The rows are counted by scanning the tables directly, so the answer does
 * not depend on the privileges or row-level security of whoever runs the
 * command: a role that may drop btree_gist but cannot read the register is
 * refused too, and cannot confirm (the setting is PGC_SUSET).
 *
 * DROP DATABASE is not guarded (event triggers do not fire for it, and it
 * names the database being dropped), nor are commands run while event
 * triggers are disabled (single-user mode).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/cmdtag.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "drop_guard.h"

bool		poverty_aid_allow_drop_register = false;

PG_FUNCTION_INFO_V1(drop_guard);

/*
 * Would the extension be dropped?  One catalogue query over poverty_aid and
 * the extensions it requires, directly or not.  $1 is what the statement
 * drops ('extension', 'schema' or 'owned'), $2 the names it lists, $3 its
 * CASCADE, $4 the roles of DROP OWNED.
 */
static const char *const would_drop_query =
"WITH RECURSIVE req(oid, is_self) AS ("
"  SELECT e.oid, true FROM pg_catalog.pg_extension e WHERE e.extname = 'poverty_aid'"
"  UNION"
"  SELECT d.refobjid, false FROM pg_catalog.pg_depend d JOIN req ON d.objid = req.oid"
"   WHERE d.classid = 'pg_catalog.pg_extension'::pg_catalog.regclass"
"     AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass)"
" SELECT EXISTS (SELECT FROM req JOIN pg_catalog.pg_extension e ON e.oid = req.oid"
"                JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
"  WHERE CASE $1"
"        WHEN 'extension' THEN e.extname OPERATOR(pg_catalog.=) ANY ($2) AND (req.is_self OR $3)"
"        WHEN 'schema' THEN n.nspname OPERATOR(pg_catalog.=) ANY ($2) AND $3"
"        WHEN 'owned' THEN e.extowner OPERATOR(pg_catalog.=) ANY ($4)"
"        END)";

/* The register: the extension's configuration tables (pg_extension_config_dump). */
static const char *const register_query =
"SELECT c.oid FROM pg_catalog.pg_extension e,"
"       pg_catalog.unnest(e.extconfig) AS cfg(oid)"
"  JOIN pg_catalog.pg_class c ON c.oid = cfg.oid"
" WHERE e.extname = 'poverty_aid' AND c.relkind = 'r'"
" ORDER BY c.relname";

/*
 * Number of rows of a table visible to the transaction, counted by a plain
 * scan (no privilege or row-level security check).
 */
static int64
table_rows(Oid relid)
{
	Relation	rel = table_open(relid, AccessShareLock);
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	TableScanDesc scan = table_beginscan(rel, snapshot, 0, NULL);
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	int64		n = 0;

	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		CHECK_FOR_INTERRUPTS();
		n++;
	}
	ExecDropSingleTupleTableSlot(slot);
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	return n;
}

/* A text[] of the names a DROP statement lists (String nodes). */
static Datum
name_array(List *objects)
{
	int			n = list_length(objects);
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	ListCell   *lc;
	int			i = 0;

	foreach(lc, objects)
	{
		Node	   *obj = lfirst(lc);

		if (IsA(obj, String))
			elems[i++] = CStringGetTextDatum(strVal(obj));
	}
	return PointerGetDatum(construct_array(elems, i, TEXTOID, -1, false, TYPALIGN_INT));
}

/* An oid[] of the roles of DROP OWNED BY (unknown roles left out). */
static Datum
role_array(List *roles)
{
	int			n = list_length(roles);
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	ListCell   *lc;
	int			i = 0;

	foreach(lc, roles)
	{
		Oid			roleid = get_rolespec_oid(lfirst(lc), true);

		if (OidIsValid(roleid))
			elems[i++] = ObjectIdGetDatum(roleid);
	}
	return PointerGetDatum(construct_array(elems, i, OIDOID, sizeof(Oid), true, TYPALIGN_INT));
}

/*
 * drop_guard() -- event trigger function, ddl_command_start.
 */
Datum
drop_guard(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	Node	   *parsetree;
	const char *kind;
	Datum		args[4];
	Oid			argtypes[4] = {TEXTOID, TEXTARRAYOID, BOOLOID, OIDARRAYOID};
	bool		isnull;
	bool		would_drop;
	StringInfoData tables;
	int64		total = 0;
	int			nonempty = 0;
	uint64		i;
	uint64		ntables;
	Oid		   *relids;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_EVENT_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("drop_guard() must be called as an event trigger")));
	trigdata = (EventTriggerData *) fcinfo->context;
	parsetree = trigdata->parsetree;

	if (poverty_aid_allow_drop_register)
		PG_RETURN_VOID();

	/* Cheap tests first: most DDL is no drop of ours. */
	if (IsA(parsetree, DropStmt))
	{
		DropStmt   *stmt = (DropStmt *) parsetree;

		if (stmt->removeType == OBJECT_EXTENSION)
			kind = "extension";
		else if (stmt->removeType == OBJECT_SCHEMA)
			kind = "schema";
		else
			PG_RETURN_VOID();
		args[1] = name_array(stmt->objects);
		args[2] = BoolGetDatum(stmt->behavior == DROP_CASCADE);
		args[3] = PointerGetDatum(construct_empty_array(OIDOID));
	}
	else if (IsA(parsetree, DropOwnedStmt))
	{
		kind = "owned";
		args[1] = PointerGetDatum(construct_empty_array(TEXTOID));
		args[2] = BoolGetDatum(false);
		args[3] = role_array(((DropOwnedStmt *) parsetree)->roles);
	}
	else
		PG_RETURN_VOID();
	args[0] = CStringGetTextDatum(kind);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args(would_drop_query, 4, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "drop_guard: catalogue query failed");
	would_drop = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (!would_drop)
	{
		SPI_finish();
		PG_RETURN_VOID();
	}

	if (SPI_execute(register_query, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "drop_guard: register query failed");
	ntables = SPI_processed;
	relids = palloc(sizeof(Oid) * Max(ntables, 1));
	for (i = 0; i < ntables; i++)
		relids[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();

	initStringInfo(&tables);
	for (i = 0; i < ntables; i++)
	{
		int64		n = table_rows(relids[i]);

		if (n == 0)
			continue;
		appendStringInfo(&tables, "%s%s %lld", nonempty > 0 ? ", " : "",
						 get_rel_name(relids[i]), (long long) n);
		total += n;
		nonempty++;
	}
	if (total == 0)
		PG_RETURN_VOID();

	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg_plural("%s would drop extension poverty_aid and its register, which holds %lld row",
						   "%s would drop extension poverty_aid and its register, which holds %lld rows",
						   (unsigned long) Min(total, 1000000),
						   GetCommandTagName(trigdata->tag), (long long) total),
			 errdetail("The register has rows in %d of its %d tables: %s.",
					   nonempty, (int) ntables, tables.data),
			 errhint("Keep a copy first (pg_dump); then, as a superuser, SET poverty_aid.allow_drop_register = on in the same session and repeat the command.")));
	PG_RETURN_VOID();
}

/*
 * Define the setting; called from _PG_init().
 */
void
drop_guard_init(void)
{
	DefineCustomBoolVariable("poverty_aid.allow_drop_register",
							 "Allows commands that drop extension poverty_aid while its register holds rows.",
							 "Off by default: DROP EXTENSION poverty_aid, and any DROP that would cascade to it, fails while a register table holds rows.",
							 &poverty_aid_allow_drop_register,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
}
