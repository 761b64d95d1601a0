/*-------------------------------------------------------------------------
 *
 * coverage.c
 *	  coverage(unit_id bigint, covered boolean): distinct units with a covered
 *	  row / distinct units, with a compact set of unit ids.
 *
 * The state holds two sets of ids: every unit seen, and the units seen with
 * covered = true.  A set is a roaring-style bitmap: ids are split into a
 * 48-bit chunk key (id >> 16) and a 16-bit low part; each chunk stores its low
 * parts either as a sorted uint16 array (up to 4096 ids, 2 bytes per id) or,
 * once denser, as a 65536-bit bitmap (8 KiB, 1 bit per possible id).  Dense
 * ids thus cost about 1 bit per unit per set; scattered ids at most 2 bytes
 * plus a 32-byte chunk entry.  Chunks are found through a simplehash table
 * keyed by the chunk key, behind a small direct-mapped cache of recently used
 * chunks.
 *
 * The state is "internal", so the aggregate has serial/deserial functions.
 * The serialised layout is fixed and versioned (all integers big-endian):
 *
 *	  uint32 magic 'PAVC', uint16 version (1), uint16 reserved (0)
 *	  then twice (all units, covered units):
 *		uint64 distinct ids, uint32 chunk count, then per chunk in key order:
 *		  uint64 key, uint16 kind (1 = array, 2 = bitmap), uint32 cardinality,
 *		  array: cardinality x uint16, strictly increasing
 *		  bitmap: 1024 x uint64 whose bits number cardinality
 *
 * and the deserialiser checks every length, count, order and kind, that no
 * chunk key repeats and that the covered units are a subset of all units;
 * corrupt input is an error (22P03), never a crash or a wrong answer.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "money.h"
#include "ratio.h"

PG_FUNCTION_INFO_V1(coverage_trans);
PG_FUNCTION_INFO_V1(coverage_combine);
PG_FUNCTION_INFO_V1(coverage_serialize);
PG_FUNCTION_INFO_V1(coverage_deserialize);
PG_FUNCTION_INFO_V1(coverage_final);
PG_FUNCTION_INFO_V1(coverage_state_bytes_final);
PG_FUNCTION_INFO_V1(coverage_state_final);
PG_FUNCTION_INFO_V1(coverage_of_state);

#define CHUNK_SHIFT			16
#define CHUNK_IDS			(1 << CHUNK_SHIFT)
#define ARRAY_MAX			4096	/* beyond this a bitmap is smaller */
#define BITMAP_WORDS		(CHUNK_IDS / 64)
#define BITMAP_BYTES		(BITMAP_WORDS * sizeof(uint64))
#define CAPACITY_BITMAP		(-1)

#define COVERAGE_MAGIC		0x50415643	/* 'PAVC' */
#define COVERAGE_VERSION	1
#define KIND_ARRAY			1
#define KIND_BITMAP			2

/* One chunk of 65536 possible ids. */
typedef struct UnitChunk
{
	uint64		key;			/* id >> 16, as unsigned */
	char		status;			/* used by simplehash */
	int32		cardinality;	/* ids in this chunk */
	int32		capacity;		/* array capacity, or CAPACITY_BITMAP */
	void	   *data;			/* uint16[capacity] or uint64[BITMAP_WORDS] */
} UnitChunk;

/* splitmix64's finaliser: a good 64-bit mix for chunk keys */
static inline uint32
chunk_key_hash(uint64 key)
{
	key ^= key >> 30;
	key *= UINT64CONST(0xbf58476d1ce4e5b9);
	key ^= key >> 27;
	key *= UINT64CONST(0x94d049bb133111eb);
	key ^= key >> 31;
	return (uint32) key;
}

#define SH_PREFIX		chunkmap
#define SH_ELEMENT_TYPE UnitChunk
#define SH_KEY_TYPE		uint64
#define SH_KEY			key
#define SH_HASH_KEY(tb, k) chunk_key_hash(k)
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE		static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* A set of unit ids. */
#define CHUNK_CACHE_SLOTS	32

typedef struct UnitSet
{
	chunkmap_hash *chunks;

	/*
	 * Recently used chunks, direct-mapped by key: ids arrive in no particular
	 * order, but a dense set has few chunks, so most rows hit here instead of
	 * hashing.  Inserting a new key may move simplehash entries, so the cache
	 * is cleared whenever a chunk is added (once per 64K-id range).
	 */
	UnitChunk  *cache[CHUNK_CACHE_SLOTS];
	uint64		count;			/* distinct ids in the set */
	Size		data_bytes;		/* bytes of arrays and bitmaps */
} UnitSet;

/*
 * Rows whose set updates wait for their prefetch.  On many distinct units the
 * bitmaps outgrow the CPU's nearer caches and each row's bit test would stall
 * on memory; instead the transition function prefetches the words a row will
 * touch and applies the row PENDING_ROWS rows later, when they have arrived.
 * Every function that reads a state applies the pending rows first
 * (coverage_flush), so the delay is never visible.
 */
#define PENDING_ROWS		16

typedef struct CoverageState
{
	MemoryContext context;		/* where the sets live */
	UnitSet		units;			/* every unit seen */
	UnitSet		covered;		/* units seen with covered = true */
	int			pending_count;	/* rows not yet applied to the sets */
	int			pending_oldest; /* ring index of the oldest of them */
	int64		pending_id[PENDING_ROWS];
	bool		pending_covered[PENDING_ROWS];
} CoverageState;

/* ---------------------------------------------------------------------------
 * Sets
 * ---------------------------------------------------------------------------
 */

static void
unitset_init(UnitSet *set, MemoryContext context)
{
	set->chunks = chunkmap_create(context, 8, NULL);
	memset(set->cache, 0, sizeof(set->cache));
	set->count = 0;
	set->data_bytes = 0;
}

static CoverageState *
coverage_state_create(MemoryContext context)
{
	CoverageState *state = MemoryContextAlloc(context, sizeof(CoverageState));

	state->context = context;
	unitset_init(&state->units, context);
	unitset_init(&state->covered, context);
	state->pending_count = 0;
	state->pending_oldest = 0;
	return state;
}

/* The chunk for key, created empty if missing. */
static inline UnitChunk *
unitset_chunk(UnitSet *set, uint64 key, bool *found)
{
	int			slot = (int) (key % CHUNK_CACHE_SLOTS);
	UnitChunk  *chunk = set->cache[slot];

	if (likely(chunk != NULL && chunk->key == key))
	{
		*found = true;
		return chunk;
	}
	/* lookup is cheaper than insert; insert only a new chunk */
	chunk = chunkmap_lookup(set->chunks, key);
	*found = chunk != NULL;
	if (!*found)
	{
		chunk = chunkmap_insert(set->chunks, key, found);
		Assert(!*found);
		chunk->cardinality = 0;
		chunk->capacity = 0;
		chunk->data = NULL;
		memset(set->cache, 0, sizeof(set->cache));
	}
	set->cache[slot] = chunk;
	return chunk;
}

/* Turn an array chunk into a bitmap chunk. */
static void
chunk_to_bitmap(UnitSet *set, UnitChunk *chunk, MemoryContext context)
{
	uint64	   *words = MemoryContextAllocZero(context, BITMAP_BYTES);
	uint16	   *lows = (uint16 *) chunk->data;

	for (int i = 0; i < chunk->cardinality; i++)
		words[lows[i] >> 6] |= UINT64CONST(1) << (lows[i] & 63);
	if (lows != NULL)
	{
		set->data_bytes -= chunk->capacity * sizeof(uint16);
		pfree(lows);
	}
	set->data_bytes += BITMAP_BYTES;
	chunk->data = words;
	chunk->capacity = CAPACITY_BITMAP;
}

/* Add the low part of an id to a chunk; true if it was not there. */
static bool
chunk_add(UnitSet *set, UnitChunk *chunk, uint16 low, MemoryContext context)
{
	uint16	   *lows;
	int			lo;
	int			hi;

	if (chunk->capacity == CAPACITY_BITMAP)
	{
		uint64	   *word = (uint64 *) chunk->data + (low >> 6);
		uint64		bit = UINT64CONST(1) << (low & 63);

		if (*word & bit)
			return false;
		*word |= bit;
		chunk->cardinality++;
		return true;
	}

	/* binary search in the sorted array; appending is the common case */
	lows = (uint16 *) chunk->data;
	lo = 0;
	hi = chunk->cardinality;
	if (hi > 0 && lows[hi - 1] < low)
		lo = hi;
	else
	{
		while (lo < hi)
		{
			int			mid = (lo + hi) / 2;

			if (lows[mid] < low)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < chunk->cardinality && lows[lo] == low)
			return false;
	}

	if (chunk->cardinality == ARRAY_MAX)
	{
		chunk_to_bitmap(set, chunk, context);
		return chunk_add(set, chunk, low, context);
	}
	if (chunk->cardinality == chunk->capacity)
	{
		int			capacity = chunk->capacity == 0 ? 4 : Min(chunk->capacity * 2, ARRAY_MAX);

		if (lows == NULL)
			lows = MemoryContextAlloc(context, capacity * sizeof(uint16));
		else
			lows = repalloc(lows, capacity * sizeof(uint16));
		set->data_bytes += (capacity - chunk->capacity) * sizeof(uint16);
		chunk->data = lows;
		chunk->capacity = capacity;
	}
	memmove(lows + lo + 1, lows + lo, (chunk->cardinality - lo) * sizeof(uint16));
	lows[lo] = low;
	chunk->cardinality++;
	return true;
}

static inline void
unitset_add(UnitSet *set, int64 id, MemoryContext context)
{
	bool		found;
	UnitChunk  *chunk = unitset_chunk(set, (uint64) id >> CHUNK_SHIFT, &found);
	uint16		low = (uint16) ((uint64) id & (CHUNK_IDS - 1));

	/* the dense case inline: set a bit */
	if (chunk->capacity == CAPACITY_BITMAP)
	{
		uint64	   *word = (uint64 *) chunk->data + (low >> 6);
		uint64		bit = UINT64CONST(1) << (low & 63);

		if (!(*word & bit))
		{
			*word |= bit;
			chunk->cardinality++;
			set->count++;
		}
		return;
	}
	if (chunk_add(set, chunk, low, context))
		set->count++;
}

/*
 * The bitmap word that adding id to set will touch, if its chunk is a bitmap
 * already in the chunk cache; otherwise NULL (an array chunk or a cache miss
 * costs a lookup later, not a stall).  The caller prefetches it: a prefetch
 * inside a helper like this one would let GCC judge the helper free of side
 * effects and drop the call altogether.
 */
static inline const uint64 *
unitset_word_of(const UnitSet *set, int64 id)
{
	uint64		key = (uint64) id >> CHUNK_SHIFT;
	const UnitChunk *chunk = set->cache[key % CHUNK_CACHE_SLOTS];

	if (chunk != NULL && chunk->key == key && chunk->capacity == CAPACITY_BITMAP)
		return (const uint64 *) chunk->data + (((uint64) id & (CHUNK_IDS - 1)) >> 6);
	return NULL;
}

#if defined(__GNUC__) || defined(__clang__)
#define prefetch_word(word) \
	do { const uint64 *word_ = (word); if (word_ != NULL) __builtin_prefetch(word_, 0, 3); } while (0)
#else
#define prefetch_word(word) ((void) 0)
#endif

/* Apply the oldest pending row to the sets and drop it from the ring. */
static inline void
coverage_apply_oldest(CoverageState *state)
{
	int			slot = state->pending_oldest;

	unitset_add(&state->units, state->pending_id[slot], state->context);
	if (state->pending_covered[slot])
		unitset_add(&state->covered, state->pending_id[slot], state->context);
	state->pending_oldest = (slot + 1) % PENDING_ROWS;
	state->pending_count--;
}

/* Apply every pending row, oldest first; a state is complete afterwards. */
static void
coverage_flush(CoverageState *state)
{
	while (state->pending_count > 0)
		coverage_apply_oldest(state);
}

static bool
chunk_contains(const UnitChunk *chunk, uint16 low)
{
	const uint16 *lows;
	int			lo = 0;
	int			hi = chunk->cardinality;

	if (chunk->capacity == CAPACITY_BITMAP)
		return (((const uint64 *) chunk->data)[low >> 6] >> (low & 63)) & 1;
	lows = (const uint16 *) chunk->data;
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (lows[mid] < low)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < chunk->cardinality && lows[lo] == low;
}

/* Add every id of chunk "from" (of another set) into set "into". */
static void
unitset_merge_chunk(UnitSet *into, const UnitChunk *from, MemoryContext context)
{
	bool		found;
	UnitChunk  *chunk = unitset_chunk(into, from->key, &found);
	int32		before = chunk->cardinality;

	if (!found)
	{
		/* a copy of the other chunk */
		Size		bytes = from->capacity == CAPACITY_BITMAP ? BITMAP_BYTES :
			from->cardinality * sizeof(uint16);

		chunk->data = MemoryContextAlloc(context, bytes);
		memcpy(chunk->data, from->data, bytes);
		chunk->capacity = from->capacity == CAPACITY_BITMAP ? CAPACITY_BITMAP : from->cardinality;
		chunk->cardinality = from->cardinality;
		into->data_bytes += bytes;
	}
	else if (from->capacity == CAPACITY_BITMAP)
	{
		const uint64 *other = (const uint64 *) from->data;
		uint64	   *words;

		if (chunk->capacity != CAPACITY_BITMAP)
			chunk_to_bitmap(into, chunk, context);
		words = (uint64 *) chunk->data;
		for (int i = 0; i < BITMAP_WORDS; i++)
			words[i] |= other[i];
		chunk->cardinality = (int32) pg_popcount((const char *) words, BITMAP_BYTES);
	}
	else if (chunk->capacity == CAPACITY_BITMAP)
	{
		const uint16 *lows = (const uint16 *) from->data;

		for (int i = 0; i < from->cardinality; i++)
			chunk_add(into, chunk, lows[i], context);
	}
	else
	{
		/* merge two sorted arrays */
		const uint16 *a = (const uint16 *) chunk->data;
		const uint16 *b = (const uint16 *) from->data;
		int			na = chunk->cardinality;
		int			nb = from->cardinality;
		uint16	   *merged = palloc((na + nb) * sizeof(uint16));
		int			i = 0,
					j = 0,
					n = 0;

		while (i < na || j < nb)
		{
			if (j >= nb || (i < na && a[i] < b[j]))
				merged[n++] = a[i++];
			else if (i >= na || b[j] < a[i])
				merged[n++] = b[j++];
			else
			{
				merged[n++] = a[i++];
				j++;
			}
		}
		if (n > ARRAY_MAX)
		{
			chunk->cardinality = 0;
			chunk_to_bitmap(into, chunk, context);
			for (int k = 0; k < n; k++)
				chunk_add(into, chunk, merged[k], context);
		}
		else
		{
			if (n > chunk->capacity)
			{
				uint16	   *lows = MemoryContextAlloc(context, n * sizeof(uint16));

				if (chunk->data != NULL)
					pfree(chunk->data);
				into->data_bytes += (n - chunk->capacity) * sizeof(uint16);
				chunk->data = lows;
				chunk->capacity = n;
			}
			memcpy(chunk->data, merged, n * sizeof(uint16));
			chunk->cardinality = n;
		}
		pfree(merged);
	}
	into->count += chunk->cardinality - before;
}

static void
unitset_merge(UnitSet *into, UnitSet *from, MemoryContext context)
{
	chunkmap_iterator it;
	UnitChunk  *chunk;

	chunkmap_start_iterate(from->chunks, &it);
	while ((chunk = chunkmap_iterate(from->chunks, &it)) != NULL)
		unitset_merge_chunk(into, chunk, context);
}

static Size
unitset_bytes(const UnitSet *set)
{
	return sizeof(chunkmap_hash) + set->chunks->size * sizeof(UnitChunk) + set->data_bytes;
}

/* ---------------------------------------------------------------------------
 * Aggregate support functions
 * ---------------------------------------------------------------------------
 */

/*
 * coverage_trans(state, unit_id, covered): a NULL unit_id skips the row; a
 * NULL covered puts the unit in scope, not covered.  Not strict, since the
 * state starts NULL and covered may be NULL.
 */
Datum
coverage_trans(PG_FUNCTION_ARGS)
{
	MemoryContext context;
	CoverageState *state;
	int64		unit_id;
	bool		covered;
	int			slot;

	if (PG_ARGISNULL(0))
	{
		if (!AggCheckCallContext(fcinfo, &context))
			elog(ERROR, "coverage_trans called in non-aggregate context");
		state = coverage_state_create(context);
	}
	else
		state = (CoverageState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);
	unit_id = PG_GETARG_INT64(1);
	covered = !PG_ARGISNULL(2) && PG_GETARG_BOOL(2);

	/* prefetch this row's words, apply the row of PENDING_ROWS rows ago */
	prefetch_word(unitset_word_of(&state->units, unit_id));
	if (covered)
		prefetch_word(unitset_word_of(&state->covered, unit_id));
	if (state->pending_count == PENDING_ROWS)
		coverage_apply_oldest(state);
	slot = (state->pending_oldest + state->pending_count++) % PENDING_ROWS;
	state->pending_id[slot] = unit_id;
	state->pending_covered[slot] = covered;
	PG_RETURN_POINTER(state);
}

/*
 * coverage_combine(state1, state2): the union of both, built in state1 (or a
 * new state in the aggregate context if state1 is NULL); state2 is only read.
 */
Datum
coverage_combine(PG_FUNCTION_ARGS)
{
	MemoryContext context;
	CoverageState *state;
	CoverageState *other;

	if (!AggCheckCallContext(fcinfo, &context))
		elog(ERROR, "coverage_combine called in non-aggregate context");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	other = (CoverageState *) PG_GETARG_POINTER(1);
	state = PG_ARGISNULL(0) ? coverage_state_create(context) :
		(CoverageState *) PG_GETARG_POINTER(0);
	/* PostgreSQL 15 hands combine only deserialised states; be safe anyway */
	coverage_flush(state);
	coverage_flush(other);
	unitset_merge(&state->units, &other->units, state->context);
	unitset_merge(&state->covered, &other->covered, state->context);
	PG_RETURN_POINTER(state);
}

static int
chunk_key_cmp(const void *a, const void *b)
{
	uint64		ka = (*(UnitChunk *const *) a)->key;
	uint64		kb = (*(UnitChunk *const *) b)->key;

	return ka < kb ? -1 : ka > kb ? 1 : 0;
}

static void
unitset_serialize(StringInfo buf, UnitSet *set)
{
	UnitChunk **sorted = palloc(Max(set->chunks->members, 1) * sizeof(UnitChunk *));
	chunkmap_iterator it;
	UnitChunk  *chunk;
	uint32		n = 0;

	chunkmap_start_iterate(set->chunks, &it);
	while ((chunk = chunkmap_iterate(set->chunks, &it)) != NULL)
		sorted[n++] = chunk;
	qsort(sorted, n, sizeof(UnitChunk *), chunk_key_cmp);

	pq_sendint64(buf, set->count);
	pq_sendint32(buf, n);
	for (uint32 i = 0; i < n; i++)
	{
		chunk = sorted[i];
		pq_sendint64(buf, chunk->key);
		if (chunk->capacity == CAPACITY_BITMAP)
		{
			const uint64 *words = (const uint64 *) chunk->data;

			pq_sendint16(buf, KIND_BITMAP);
			pq_sendint32(buf, chunk->cardinality);
			for (int w = 0; w < BITMAP_WORDS; w++)
				pq_sendint64(buf, words[w]);
		}
		else
		{
			const uint16 *lows = (const uint16 *) chunk->data;

			pq_sendint16(buf, KIND_ARRAY);
			pq_sendint32(buf, chunk->cardinality);
			for (int k = 0; k < chunk->cardinality; k++)
				pq_sendint16(buf, lows[k]);
		}
	}
	pfree(sorted);
}

/* coverage_serialize(state) -> bytea in the fixed layout above */
Datum
coverage_serialize(PG_FUNCTION_ARGS)
{
	CoverageState *state = (CoverageState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	coverage_flush(state);
	pq_begintypsend(&buf);
	pq_sendint32(&buf, COVERAGE_MAGIC);
	pq_sendint16(&buf, COVERAGE_VERSION);
	pq_sendint16(&buf, 0);
	unitset_serialize(&buf, &state->units);
	unitset_serialize(&buf, &state->covered);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* A bounds-checked big-endian reader over a serialised state. */
typedef struct StateReader
{
	const unsigned char *pos;
	const unsigned char *end;
} StateReader;

static void
report_corrupt(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized coverage state"),
			 errdetail("%s", detail)));
}

static uint64
read_uint(StateReader *reader, int bytes)
{
	uint64		value = 0;

	if (reader->end - reader->pos < bytes)
		report_corrupt("The state ends early.");
	for (int i = 0; i < bytes; i++)
		value = (value << 8) | *reader->pos++;
	return value;
}

static void
unitset_deserialize(StateReader *reader, UnitSet *set, MemoryContext context)
{
	uint64		count = read_uint(reader, 8);
	uint64		nchunks = read_uint(reader, 4);
	uint64		total = 0;
	bool		have_previous = false;
	uint64		previous_key = 0;

	/* every chunk takes at least 16 bytes: refuse counts the data can't hold */
	if (nchunks > (uint64) (reader->end - reader->pos) / 16)
		report_corrupt("The chunk count exceeds the data.");
	for (uint64 i = 0; i < nchunks; i++)
	{
		uint64		key = read_uint(reader, 8);
		int			kind = (int) read_uint(reader, 2);
		uint64		cardinality = read_uint(reader, 4);
		bool		found;
		UnitChunk  *chunk;

		if (key > (PG_UINT64_MAX >> CHUNK_SHIFT))
			report_corrupt("A chunk key is out of range.");
		if (have_previous && key <= previous_key)
			report_corrupt("Chunk keys are not strictly increasing.");
		have_previous = true;
		previous_key = key;
		chunk = unitset_chunk(set, key, &found);
		if (found)
			report_corrupt("A chunk key repeats.");
		if (kind == KIND_ARRAY)
		{
			uint16	   *lows;

			if (cardinality < 1 || cardinality > ARRAY_MAX)
				report_corrupt("An array chunk has an invalid cardinality.");
			if ((uint64) (reader->end - reader->pos) < cardinality * sizeof(uint16))
				report_corrupt("The state ends early.");
			lows = MemoryContextAlloc(context, cardinality * sizeof(uint16));
			for (uint64 k = 0; k < cardinality; k++)
			{
				lows[k] = (uint16) read_uint(reader, 2);
				if (k > 0 && lows[k] <= lows[k - 1])
					report_corrupt("An array chunk is not strictly increasing.");
			}
			chunk->data = lows;
			chunk->capacity = (int32) cardinality;
			set->data_bytes += cardinality * sizeof(uint16);
		}
		else if (kind == KIND_BITMAP)
		{
			uint64	   *words;

			if (cardinality < 1 || cardinality > CHUNK_IDS)
				report_corrupt("A bitmap chunk has an invalid cardinality.");
			if ((uint64) (reader->end - reader->pos) < BITMAP_BYTES)
				report_corrupt("The state ends early.");
			words = MemoryContextAlloc(context, BITMAP_BYTES);
			for (int w = 0; w < BITMAP_WORDS; w++)
				words[w] = read_uint(reader, 8);
			if (pg_popcount((const char *) words, BITMAP_BYTES) != cardinality)
				report_corrupt("A bitmap chunk's cardinality does not match its bits.");
			chunk->data = words;
			chunk->capacity = CAPACITY_BITMAP;
			set->data_bytes += BITMAP_BYTES;
		}
		else
			report_corrupt("A chunk has an unknown kind.");
		chunk->cardinality = (int32) cardinality;
		total += cardinality;
	}
	if (total != count)
		report_corrupt("The distinct count does not match the chunks.");
	set->count = count;
}

/* Is every id of "subset" in "set"? */
static bool
unitset_contains_all(UnitSet *set, UnitSet *subset)
{
	chunkmap_iterator it;
	UnitChunk  *chunk;

	chunkmap_start_iterate(subset->chunks, &it);
	while ((chunk = chunkmap_iterate(subset->chunks, &it)) != NULL)
	{
		UnitChunk  *outer = chunkmap_lookup(set->chunks, chunk->key);

		if (outer == NULL || outer->cardinality < chunk->cardinality)
			return false;
		if (chunk->capacity == CAPACITY_BITMAP)
		{
			const uint64 *words = (const uint64 *) chunk->data;

			for (int w = 0; w < BITMAP_WORDS; w++)
			{
				for (uint64 bits = words[w]; bits != 0; bits &= bits - 1)
				{
					uint16		low = (uint16) (w * 64 + pg_rightmost_one_pos64(bits));

					if (!chunk_contains(outer, low))
						return false;
				}
			}
		}
		else
		{
			const uint16 *lows = (const uint16 *) chunk->data;

			for (int k = 0; k < chunk->cardinality; k++)
				if (!chunk_contains(outer, lows[k]))
					return false;
		}
	}
	return true;
}

/* Read a serialised state, checking everything, into a new state. */
static CoverageState *
coverage_state_read(bytea *data, MemoryContext context)
{
	CoverageState *state;
	StateReader reader;

	reader.pos = (const unsigned char *) VARDATA_ANY(data);
	reader.end = reader.pos + VARSIZE_ANY_EXHDR(data);
	if (read_uint(&reader, 4) != COVERAGE_MAGIC)
		report_corrupt("The state does not start with the coverage magic number.");
	if (read_uint(&reader, 2) != COVERAGE_VERSION)
		report_corrupt("The state has an unknown version.");
	if (read_uint(&reader, 2) != 0)
		report_corrupt("Reserved bits are set.");
	state = coverage_state_create(context);
	unitset_deserialize(&reader, &state->units, context);
	unitset_deserialize(&reader, &state->covered, context);
	if (reader.pos != reader.end)
		report_corrupt("The state has trailing bytes.");
	if (!unitset_contains_all(&state->units, &state->covered))
		report_corrupt("A covered unit is missing from the units in scope.");
	return state;
}

/* coverage_deserialize(bytea, internal) -> state, in the aggregate context */
Datum
coverage_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext context;

	if (!AggCheckCallContext(fcinfo, &context))
		elog(ERROR, "coverage_deserialize called in non-aggregate context");
	PG_RETURN_POINTER(coverage_state_read(PG_GETARG_BYTEA_PP(0), context));
}

static Ratio *
coverage_ratio(CoverageState *state)
{
	Ratio	   *result = (Ratio *) palloc0(sizeof(Ratio));

	if (state != NULL)
	{
		coverage_flush(state);
		result->num = ratio_part_make(money_from_int64((int64) state->covered.count), 0);
		result->den = ratio_part_make(money_from_int64((int64) state->units.count), 0);
	}
	return result;
}

/*
 * coverage_state_final(state) -> bytea: the final step of coverage_state(),
 * the serialised set itself, so that sets from several servers can be
 * shipped and evaluated later with coverage_of_state.  No rows give the
 * serialised empty state.
 */
Datum
coverage_state_final(PG_FUNCTION_ARGS)
{
	CoverageState *state;

	if (PG_ARGISNULL(0))
		state = coverage_state_create(CurrentMemoryContext);
	else
		state = (CoverageState *) PG_GETARG_POINTER(0);
	return DirectFunctionCall1(coverage_serialize, PointerGetDatum(state));
}

/* coverage_of_state(bytea) -> ratio: coverage of a serialised state */
Datum
coverage_of_state(PG_FUNCTION_ARGS)
{
	PG_RETURN_RATIO_P(coverage_ratio(coverage_state_read(PG_GETARG_BYTEA_PP(0),
														 CurrentMemoryContext)));
}

/* coverage_final(state) -> ratio: distinct covered units / distinct units */
Datum
coverage_final(PG_FUNCTION_ARGS)
{
	PG_RETURN_RATIO_P(coverage_ratio(PG_ARGISNULL(0) ? NULL :
									 (CoverageState *) PG_GETARG_POINTER(0)));
}

/* coverage_state_bytes_final(state) -> bigint: memory held by the sets */
Datum
coverage_state_bytes_final(PG_FUNCTION_ARGS)
{
	CoverageState *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_INT64(0);
	state = (CoverageState *) PG_GETARG_POINTER(0);
	coverage_flush(state);
	PG_RETURN_INT64((int64) (sizeof(CoverageState) +
							 unitset_bytes(&state->units) +
							 unitset_bytes(&state->covered)));
}
