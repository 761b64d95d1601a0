/*-------------------------------------------------------------------------
 *
 * coverage.c
 *	  coverage(unit_id bigint, covered boolean): distinct units with a covered
 *	  row / distinct units, with a compact set of unit ids; coverage_state()
 *	  and coverage_rollup() to ship such sets and union them exactly.
 *
 * The state holds two sets of ids: every unit seen, and the units seen with
 * covered = true.  Ids are split into a 48-bit chunk key (id >> 16) and a
 * 16-bit low part.  A set keeps its ids in two tiers, so that its memory per
 * distinct id is bounded whatever the ids look like:
 *
 *	- chunks: a chunk holding at least PROMOTE_IDS ids has an entry in a
 *	  simplehash table keyed by the chunk key, and stores its low parts as a
 *	  sorted uint16 array (up to 4096 ids, 2 bytes per id) or, once denser, as
 *	  a 65536-bit bitmap (8 KiB).  The entry and the array's allocation are
 *	  shared by at least PROMOTE_IDS ids, so a chunk costs under 7 bytes per
 *	  id, a bitmap 1 to 2 bits;
 *	- scattered ids: ids of every other chunk sit whole (8 bytes) in one
 *	  array, a sorted distinct prefix followed by an unsorted tail of new ids.
 *	  When the array is full the tail is sorted and merged into the prefix,
 *	  and a chunk that has reached PROMOTE_IDS ids moves to the table.  The
 *	  array keeps free room for half its ids, so a scattered id costs 8 to 15
 *	  bytes.
 *
 * An id is in exactly one tier: it goes to the table when its chunk is there,
 * to the scattered array otherwise.  Every allocation a state makes is
 * counted (GetMemoryChunkSpace) and checked against
 * poverty_aid.coverage_memory_limit: a state that would grow past it is an
 * error (54000), never an exhausted server.
 *
 * The state is "internal", so the aggregates have serial/deserial functions.
 * The serialised layout is fixed and versioned (all integers big-endian):
 *
 *	  uint32 magic 'PAVC', uint16 version (2), uint16 reserved (0)
 *	  then twice (all units, covered units):
 *		uint64 distinct ids, uint32 chunk count, then per chunk in key order:
 *		  uint64 key, uint16 kind (1 = array, 2 = bitmap), uint32 cardinality,
 *		  array: cardinality x uint16, strictly increasing
 *		  bitmap: 1024 x uint64 whose bits number cardinality
 *	  uint32 CRC-32C of every byte before it
 *
 * Both tiers serialise alike: scattered ids as array chunks of their key.
 * Version 1, written by poverty_aid 1.0, is the same without the CRC and is
 * still read; other versions are refused.  The reader checks the CRC, every
 * length, count, order and kind, that no chunk key repeats and that the
 * covered units are a subset of all units; corrupt input is an error (22P03),
 * never a crash or a wrong answer.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "port/pg_bitutils.h"
#include "port/pg_crc32c.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "coverage.h"
#include "exact_decimal.h"
#include "ratio.h"

PG_FUNCTION_INFO_V1(coverage_trans);
PG_FUNCTION_INFO_V1(coverage_combine);
PG_FUNCTION_INFO_V1(coverage_serialize);
PG_FUNCTION_INFO_V1(coverage_deserialize);
PG_FUNCTION_INFO_V1(coverage_final);
PG_FUNCTION_INFO_V1(coverage_state_bytes_final);
PG_FUNCTION_INFO_V1(coverage_state_final);
PG_FUNCTION_INFO_V1(coverage_of_state);
PG_FUNCTION_INFO_V1(coverage_rollup_trans);
PG_FUNCTION_INFO_V1(coverage_state_memory);

#define CHUNK_SHIFT			16
#define CHUNK_IDS			(1 << CHUNK_SHIFT)
#define ARRAY_MAX			4096	/* beyond this a bitmap is smaller */
#define BITMAP_WORDS		(CHUNK_IDS / 64)
#define BITMAP_BYTES		(BITMAP_WORDS * sizeof(uint64))
#define CAPACITY_BITMAP		(-1)
#define PROMOTE_IDS			32	/* ids a chunk needs to leave the scattered ids */
#define SCATTERED_MIN_FREE	16	/* least free room of the scattered array */

#define COVERAGE_MAGIC		0x50415643	/* 'PAVC' */
#define COVERAGE_VERSION	2
#define COVERAGE_VERSION_NO_CRC 1
#define KIND_ARRAY			1
#define KIND_BITMAP			2

/* poverty_aid.coverage_memory_limit, in kB */
static int	coverage_memory_limit = 1024 * 1024;

/* Define poverty_aid.coverage_memory_limit; called from _PG_init. */
void
coverage_define_settings(void)
{
	DefineCustomIntVariable("poverty_aid.coverage_memory_limit",
							"Largest amount of memory one coverage state may hold.",
							"A state of coverage(), coverage_state(), coverage_rollup() or one read by "
							"coverage_of_state() that would grow past it is an error (SQLSTATE 54000).",
							&coverage_memory_limit,
							1024 * 1024, 64, MAX_KILOBYTES,
							PGC_USERSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
}

/* ---------------------------------------------------------------------------
 * Counted memory
 * ---------------------------------------------------------------------------
 */

/* The memory of one state: where it lives and how much it holds. */
typedef struct StateMemory
{
	MemoryContext context;
	Size		bytes;			/* GetMemoryChunkSpace of every live allocation */
} StateMemory;

/* Refuse to grow a state by "more" bytes past the limit. */
static void
memory_check(const StateMemory *memory, Size more)
{
	Size		limit = (Size) coverage_memory_limit * 1024;

	if (memory->bytes + more > limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("coverage state exceeds poverty_aid.coverage_memory_limit"),
				 errdetail("The state holds %zu bytes and needs %zu more; the limit is %d kB.",
						   memory->bytes, more, coverage_memory_limit),
				 errhint("Raise poverty_aid.coverage_memory_limit, or compute coverage over fewer units at a time.")));
}

static void *
memory_alloc(StateMemory *memory, Size size, bool zero)
{
	void	   *pointer;

	memory_check(memory, size);
	pointer = MemoryContextAllocExtended(memory->context, size,
										 MCXT_ALLOC_HUGE | (zero ? MCXT_ALLOC_ZERO : 0));
	memory->bytes += GetMemoryChunkSpace(pointer);
	return pointer;
}

static void *
memory_realloc(StateMemory *memory, void *pointer, Size size)
{
	Size		before = GetMemoryChunkSpace(pointer);

	if (size > before)
		memory_check(memory, size - before);
	pointer = repalloc_huge(pointer, size);
	memory->bytes = memory->bytes - before + GetMemoryChunkSpace(pointer);
	return pointer;
}

static void
memory_free(StateMemory *memory, void *pointer)
{
	memory->bytes -= GetMemoryChunkSpace(pointer);
	pfree(pointer);
}

/* ---------------------------------------------------------------------------
 * Chunks
 * ---------------------------------------------------------------------------
 */

/* One chunk of 65536 possible ids, holding at least PROMOTE_IDS of them. */
typedef struct UnitChunk
{
	uint64		key;			/* id >> 16, as unsigned */
	void	   *data;			/* uint16[capacity] or uint64[BITMAP_WORDS] */
	int32		cardinality;	/* ids in this chunk */
	int32		capacity;		/* array capacity, or CAPACITY_BITMAP */
	char		status;			/* used by simplehash */
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
#define SH_USE_NONDEFAULT_ALLOCATOR
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* The chunk table's storage, counted in its state's memory (private_data). */
static inline void *
chunkmap_allocate(chunkmap_hash *table, Size size)
{
	return memory_alloc((StateMemory *) table->private_data, size, true);
}

static inline void
chunkmap_free(chunkmap_hash *table, void *pointer)
{
	memory_free((StateMemory *) table->private_data, pointer);
}

/* Sorting short runs of scattered ids, as unsigned 64-bit numbers. */
#define ST_SORT			id_sort
#define ST_ELEMENT_TYPE uint64
#define ST_COMPARE(a, b) (*(a) < *(b) ? -1 : *(a) > *(b) ? 1 : 0)
#define ST_SCOPE		static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

/* below this many ids a comparison sort beats a radix sort */
#define RADIX_SORT_MIN		512

/*
 * Sort ids with a least-significant-byte-first radix sort through "scratch"
 * (as long as ids), skipping the bytes that all ids share: sparse ids such
 * as i << 16 or small dense ids need 2 or 3 passes instead of 8.  Most of a
 * sparse set's time goes to sorting its new ids, hence a linear sort.
 */
static void
id_radix_sort(uint64 *ids, Size count, uint64 *scratch)
{
	Size		histogram[8][256];
	uint64	   *from = ids;
	uint64	   *to = scratch;

	memset(histogram, 0, sizeof(histogram));
	for (Size i = 0; i < count; i++)
	{
		uint64		id = ids[i];

		for (int b = 0; b < 8; b++)
			histogram[b][(id >> (8 * b)) & 0xFF]++;
	}
	for (int b = 0; b < 8; b++)
	{
		Size		offset = 0;
		Size	   *counts = histogram[b];

		if (counts[(ids[0] >> (8 * b)) & 0xFF] == count)
			continue;			/* every id has the same byte here */
		for (int d = 0; d < 256; d++)
		{
			Size		n = counts[d];

			counts[d] = offset;
			offset += n;
		}
		for (Size i = 0; i < count; i++)
			to[counts[(from[i] >> (8 * b)) & 0xFF]++] = from[i];
		from = to;
		to = (from == ids) ? scratch : ids;
	}
	if (from != ids)
		memcpy(ids, from, count * sizeof(uint64));
}

/* ---------------------------------------------------------------------------
 * Sets
 * ---------------------------------------------------------------------------
 */

#define CHUNK_CACHE_SLOTS	32

/* A set of unit ids, in the two tiers described at the top of the file. */
typedef struct UnitSet
{
	StateMemory *memory;		/* the state's counted memory */
	chunkmap_hash *chunks;		/* NULL until a chunk is promoted */

	/*
	 * Recently used chunks, direct-mapped by key: ids arrive in no particular
	 * order, but a dense set has few chunks, so most rows hit here instead of
	 * hashing.  Inserting a new key may move simplehash entries, so the cache
	 * is cleared whenever a chunk is added (once per 64K-id range).
	 */
	UnitChunk  *cache[CHUNK_CACHE_SLOTS];
	uint64		chunk_ids;		/* distinct ids in chunks */
	uint64	   *scattered;		/* ids of the chunks not in the table */
	Size		scattered_sorted;	/* length of the sorted, distinct prefix */
	Size		scattered_used; /* prefix and unsorted tail */
	Size		scattered_capacity;
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
	StateMemory memory;			/* where the sets live, and their size */
	UnitSet		units;			/* every unit seen */
	UnitSet		covered;		/* units seen with covered = true */
	int			pending_count;	/* rows not yet applied to the sets */
	int			pending_oldest; /* ring index of the oldest of them */
	int64		pending_id[PENDING_ROWS];
	bool		pending_covered[PENDING_ROWS];
} CoverageState;

static void
unitset_init(UnitSet *set, StateMemory *memory)
{
	memset(set, 0, sizeof(UnitSet));
	set->memory = memory;
}

static CoverageState *
coverage_state_create(MemoryContext context)
{
	CoverageState *state = MemoryContextAlloc(context, sizeof(CoverageState));

	state->memory.context = context;
	state->memory.bytes = GetMemoryChunkSpace(state);
	unitset_init(&state->units, &state->memory);
	unitset_init(&state->covered, &state->memory);
	state->pending_count = 0;
	state->pending_oldest = 0;
	return state;
}

/* The chunk of key if the table has it, else NULL. */
static inline UnitChunk *
unitset_find_chunk(UnitSet *set, uint64 key)
{
	int			slot = (int) (key % CHUNK_CACHE_SLOTS);
	UnitChunk  *chunk = set->cache[slot];

	if (likely(chunk != NULL && chunk->key == key))
		return chunk;
	if (set->chunks == NULL)
		return NULL;
	chunk = chunkmap_lookup(set->chunks, key);
	if (chunk != NULL)
		set->cache[slot] = chunk;
	return chunk;
}

/*
 * The table's chunk for key, added empty if missing; *found says which.  The
 * pointer is valid until the next chunk is added.
 */
static UnitChunk *
unitset_add_chunk(UnitSet *set, uint64 key, bool *found)
{
	UnitChunk  *chunk;

	if (set->chunks == NULL)
	{
		memory_check(set->memory, sizeof(chunkmap_hash) + 16 * sizeof(UnitChunk));
		set->chunks = chunkmap_create(set->memory->context, 8, set->memory);
		set->memory->bytes += GetMemoryChunkSpace(set->chunks);
	}
	chunk = chunkmap_insert(set->chunks, key, found);
	if (!*found)
	{
		chunk->cardinality = 0;
		chunk->capacity = 0;
		chunk->data = NULL;
		memset(set->cache, 0, sizeof(set->cache));
	}
	return chunk;
}

/* Turn an array chunk into a bitmap chunk. */
static void
chunk_to_bitmap(UnitSet *set, UnitChunk *chunk)
{
	uint64	   *words = memory_alloc(set->memory, BITMAP_BYTES, true);
	uint16	   *lows = (uint16 *) chunk->data;

	for (int i = 0; i < chunk->cardinality; i++)
		words[lows[i] >> 6] |= UINT64CONST(1) << (lows[i] & 63);
	if (lows != NULL)
		memory_free(set->memory, lows);
	chunk->data = words;
	chunk->capacity = CAPACITY_BITMAP;
}

/* Add the low part of an id to a chunk; true if it was not there. */
static bool
chunk_add(UnitSet *set, UnitChunk *chunk, uint16 low)
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
		chunk_to_bitmap(set, chunk);
		return chunk_add(set, chunk, low);
	}
	if (chunk->cardinality == chunk->capacity)
	{
		int			capacity = chunk->capacity == 0 ? PROMOTE_IDS : Min(chunk->capacity * 2, ARRAY_MAX);

		if (lows == NULL)
			lows = memory_alloc(set->memory, capacity * sizeof(uint16), false);
		else
			lows = memory_realloc(set->memory, lows, capacity * sizeof(uint16));
		chunk->data = lows;
		chunk->capacity = capacity;
	}
	memmove(lows + lo + 1, lows + lo, (chunk->cardinality - lo) * sizeof(uint16));
	lows[lo] = low;
	chunk->cardinality++;
	return true;
}

/* Fill an empty chunk with "count" strictly increasing ids of its key. */
static void
chunk_fill(UnitSet *set, UnitChunk *chunk, const uint64 *ids, int count)
{
	Assert(chunk->cardinality == 0 && chunk->data == NULL);
	if (count > ARRAY_MAX)
	{
		uint64	   *words = memory_alloc(set->memory, BITMAP_BYTES, true);

		for (int i = 0; i < count; i++)
		{
			uint16		low = (uint16) (ids[i] & (CHUNK_IDS - 1));

			words[low >> 6] |= UINT64CONST(1) << (low & 63);
		}
		chunk->data = words;
		chunk->capacity = CAPACITY_BITMAP;
	}
	else
	{
		/* AllocSet rounds small requests up to a power of 2 anyway */
		int			capacity = (int) pg_nextpower2_32((uint32) Max(count, PROMOTE_IDS));
		uint16	   *lows = memory_alloc(set->memory, capacity * sizeof(uint16), false);

		for (int i = 0; i < count; i++)
			lows[i] = (uint16) (ids[i] & (CHUNK_IDS - 1));
		chunk->data = lows;
		chunk->capacity = capacity;
	}
	chunk->cardinality = count;
	set->chunk_ids += count;
}

/*
 * Move every run of scattered ids from "start" on whose chunk holds at least
 * PROMOTE_IDS ids to the table, closing the gaps.  The scattered ids must be
 * settled (sorted, distinct).
 */
static void
unitset_promote(UnitSet *set, Size start)
{
	uint64	   *ids = set->scattered;
	Size		used = set->scattered_sorted;
	Size		kept = start;
	Size		run = start;

	while (run < used)
	{
		uint64		key = ids[run] >> CHUNK_SHIFT;
		Size		end = run + 1;

		while (end < used && (ids[end] >> CHUNK_SHIFT) == key)
			end++;
		if (end - run >= PROMOTE_IDS)
		{
			bool		found;
			UnitChunk  *chunk = unitset_add_chunk(set, key, &found);

			if (likely(!found))
				chunk_fill(set, chunk, ids + run, (int) (end - run));
			else
			{
				/* never expected: an id is in one tier only */
				Assert(false);
				for (Size i = run; i < end; i++)
					if (chunk_add(set, chunk, (uint16) (ids[i] & (CHUNK_IDS - 1))))
						set->chunk_ids++;
			}
		}
		else
		{
			if (kept != run)
				memmove(ids + kept, ids + run, (end - run) * sizeof(uint64));
			kept += end - run;
		}
		run = end;
	}
	set->scattered_sorted = set->scattered_used = kept;
}

/*
 * Sort the unsorted tail of the scattered ids, drop its duplicates, merge it
 * into the sorted prefix and promote the chunks that have grown enough.
 */
static void
unitset_settle(UnitSet *set)
{
	uint64	   *ids = set->scattered;
	Size		sorted = set->scattered_sorted;
	Size		tail = set->scattered_used - sorted;
	Size		distinct = 0;
	Size		rescan;

	if (tail == 0)
		return;
	if (tail < RADIX_SORT_MIN)
		id_sort(ids + sorted, tail);
	else
	{
		uint64	   *scratch = memory_alloc(set->memory, tail * sizeof(uint64), false);

		id_radix_sort(ids + sorted, tail, scratch);
		memory_free(set->memory, scratch);
	}
	for (Size i = 0; i < tail; i++)
		if (distinct == 0 || ids[sorted + i] != ids[sorted + distinct - 1])
			ids[sorted + distinct++] = ids[sorted + i];
	tail = distinct;

	if (sorted == 0 || ids[sorted - 1] < ids[sorted])
	{
		/*
		 * The tail follows the prefix (ids arriving in ascending order): only
		 * the prefix's last chunk and the tail's chunks can have grown.
		 */
		uint64		key = ids[sorted > 0 ? sorted - 1 : 0] >> CHUNK_SHIFT;

		rescan = sorted;
		while (rescan > 0 && (ids[rescan - 1] >> CHUNK_SHIFT) == key)
			rescan--;
		set->scattered_sorted = set->scattered_used = sorted + tail;
	}
	else
	{
		/*
		 * Merge from the back, the tail copied aside, following the runs of
		 * equal chunk keys written: only a run of PROMOTE_IDS ids calls for a
		 * promotion scan.
		 */
		uint64	   *copy = memory_alloc(set->memory, tail * sizeof(uint64), false);
		Size		i = sorted;
		Size		j = tail;
		Size		write = sorted + tail;
		uint64		run_key = 0;
		Size		run_length = 0;
		bool		promote = false;

		memcpy(copy, ids + sorted, tail * sizeof(uint64));
		while (j > 0)
		{
			uint64		id;

			if (i > 0 && ids[i - 1] > copy[j - 1])
				id = ids[--i];
			else
			{
				if (i > 0 && ids[i - 1] == copy[j - 1])
					i--;
				id = copy[--j];
			}
			ids[--write] = id;
			if (run_length > 0 && (id >> CHUNK_SHIFT) == run_key)
				promote |= ++run_length >= PROMOTE_IDS;
			else
			{
				run_key = id >> CHUNK_SHIFT;
				run_length = 1;
			}
		}
		/* the last run written may go on in the untouched ids[0, i) */
		for (Size k = i; k > 0 && !promote && (ids[k - 1] >> CHUNK_SHIFT) == run_key; k--)
			promote = ++run_length >= PROMOTE_IDS;
		/* ids[0, i) are in place; close the gap the duplicates left */
		if (write > i)
			memmove(ids + i, ids + write, (sorted + tail - write) * sizeof(uint64));
		memory_free(set->memory, copy);
		set->scattered_sorted = set->scattered_used = i + (sorted + tail - write);
		if (!promote)
			return;
		rescan = 0;
	}
	unitset_promote(set, rescan);
}

/*
 * Make room at the end of a full scattered array: settle it, then size it to
 * free room for half its ids (at least SCATTERED_MIN_FREE).
 */
static void
unitset_make_room(UnitSet *set)
{
	Size		want;

	unitset_settle(set);
	want = set->scattered_sorted + Max(set->scattered_sorted / 2, SCATTERED_MIN_FREE);
	if (set->scattered_capacity >= want && set->scattered_capacity <= want + want / 4)
		return;
	if (set->scattered == NULL)
		set->scattered = memory_alloc(set->memory, want * sizeof(uint64), false);
	else
		set->scattered = memory_realloc(set->memory, set->scattered, want * sizeof(uint64));
	set->scattered_capacity = want;
}

static inline void
unitset_add(UnitSet *set, int64 id)
{
	UnitChunk  *chunk = unitset_find_chunk(set, (uint64) id >> CHUNK_SHIFT);
	uint16		low = (uint16) ((uint64) id & (CHUNK_IDS - 1));

	if (chunk == NULL)
	{
		if (unlikely(set->scattered_used == set->scattered_capacity))
		{
			/* settling may promote this id's chunk to the table */
			unitset_make_room(set);
			chunk = unitset_find_chunk(set, (uint64) id >> CHUNK_SHIFT);
		}
		if (chunk == NULL)
		{
			set->scattered[set->scattered_used++] = (uint64) id;
			return;
		}
	}
	/* the dense case inline: set a bit */
	if (chunk->capacity == CAPACITY_BITMAP)
	{
		uint64	   *word = (uint64 *) chunk->data + (low >> 6);
		uint64		bit = UINT64CONST(1) << (low & 63);

		if (!(*word & bit))
		{
			*word |= bit;
			chunk->cardinality++;
			set->chunk_ids++;
		}
		return;
	}
	if (chunk_add(set, chunk, low))
		set->chunk_ids++;
}

/* Distinct ids in a set; settles it. */
static uint64
unitset_count(UnitSet *set)
{
	unitset_settle(set);
	return set->chunk_ids + set->scattered_sorted;
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

	unitset_add(&state->units, state->pending_id[slot]);
	if (state->pending_covered[slot])
		unitset_add(&state->covered, state->pending_id[slot]);
	state->pending_oldest = (slot + 1) % PENDING_ROWS;
	state->pending_count--;
}

/*
 * Apply every pending row, oldest first, and settle the scattered ids; a
 * state is complete and its counts exact afterwards.
 */
static void
coverage_flush(CoverageState *state)
{
	while (state->pending_count > 0)
		coverage_apply_oldest(state);
	unitset_settle(&state->units);
	unitset_settle(&state->covered);
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

/* First index of the settled scattered ids not below "bound". */
static Size
scattered_lower_bound(const UnitSet *set, uint64 bound)
{
	Size		lo = 0;
	Size		hi = set->scattered_sorted;

	while (lo < hi)
	{
		Size		mid = lo + (hi - lo) / 2;

		if (set->scattered[mid] < bound)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Is id in a settled set? */
static bool
unitset_contains(UnitSet *set, uint64 id)
{
	UnitChunk  *chunk = unitset_find_chunk(set, id >> CHUNK_SHIFT);
	Size		at;

	if (chunk != NULL)
		return chunk_contains(chunk, (uint16) (id & (CHUNK_IDS - 1)));
	at = scattered_lower_bound(set, id);
	return at < set->scattered_sorted && set->scattered[at] == id;
}

/* Add every id of chunk "from" (of another set) into chunk "chunk". */
static void
chunk_merge(UnitSet *into, UnitChunk *chunk, const UnitChunk *from)
{
	int32		before = chunk->cardinality;

	if (from->capacity == CAPACITY_BITMAP)
	{
		const uint64 *other = (const uint64 *) from->data;
		uint64	   *words;

		if (chunk->capacity != CAPACITY_BITMAP)
			chunk_to_bitmap(into, chunk);
		words = (uint64 *) chunk->data;
		for (int i = 0; i < BITMAP_WORDS; i++)
			words[i] |= other[i];
		chunk->cardinality = (int32) pg_popcount((const char *) words, BITMAP_BYTES);
	}
	else
	{
		const uint16 *lows = (const uint16 *) from->data;

		for (int i = 0; i < from->cardinality; i++)
			chunk_add(into, chunk, lows[i]);
	}
	into->chunk_ids += chunk->cardinality - before;
}

/* A range [start, end) of scattered ids that moved to a chunk. */
typedef struct IdRange
{
	Size		start;
	Size		end;
} IdRange;

static int
id_range_cmp(const void *a, const void *b)
{
	Size		sa = ((const IdRange *) a)->start;
	Size		sb = ((const IdRange *) b)->start;

	return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/*
 * Union "from" into "into".  "from" is settled but otherwise only read.
 * A chunk of "from" that "into" lacks is added to its table together with the
 * scattered ids "into" had of it, so that an id stays in one tier.
 */
static void
unitset_merge(UnitSet *into, UnitSet *from)
{
	IdRange    *moved = NULL;
	int			nmoved = 0;
	int			moved_capacity = 0;
	Size		kept;
	Size		next;

	unitset_settle(into);
	unitset_settle(from);
	if (from->chunks != NULL)
	{
		chunkmap_iterator it;
		UnitChunk  *chunk;

		chunkmap_start_iterate(from->chunks, &it);
		while ((chunk = chunkmap_iterate(from->chunks, &it)) != NULL)
		{
			bool		found;
			UnitChunk  *target = unitset_find_chunk(into, chunk->key);
			Size		start;
			Size		end;

			if (target == NULL)
				target = unitset_add_chunk(into, chunk->key, &found);
			chunk_merge(into, target, chunk);
			if (into->scattered_sorted == 0)
				continue;
			start = scattered_lower_bound(into, chunk->key << CHUNK_SHIFT);
			end = start;
			while (end < into->scattered_sorted && (into->scattered[end] >> CHUNK_SHIFT) == chunk->key)
			{
				if (chunk_add(into, target, (uint16) (into->scattered[end] & (CHUNK_IDS - 1))))
					into->chunk_ids++;
				end++;
			}
			if (end == start)
				continue;
			if (nmoved == moved_capacity)
			{
				moved_capacity = Max(16, moved_capacity * 2);
				moved = moved == NULL ? palloc(moved_capacity * sizeof(IdRange)) :
					repalloc(moved, moved_capacity * sizeof(IdRange));
			}
			moved[nmoved].start = start;
			moved[nmoved].end = end;
			nmoved++;
		}
	}

	/* drop the scattered ids that moved to chunks */
	if (nmoved > 0)
	{
		qsort(moved, nmoved, sizeof(IdRange), id_range_cmp);
		kept = moved[0].start;
		for (int r = 0; r < nmoved; r++)
		{
			next = r + 1 < nmoved ? moved[r + 1].start : into->scattered_sorted;
			memmove(into->scattered + kept, into->scattered + moved[r].end,
					(next - moved[r].end) * sizeof(uint64));
			kept += next - moved[r].end;
		}
		into->scattered_sorted = into->scattered_used = kept;
		pfree(moved);
	}

	for (Size i = 0; i < from->scattered_sorted; i++)
		unitset_add(into, (int64) from->scattered[i]);
	unitset_settle(into);
}

/* ---------------------------------------------------------------------------
 * Serialised states
 * ---------------------------------------------------------------------------
 */

static int
chunk_key_cmp(const void *a, const void *b)
{
	uint64		ka = (*(UnitChunk *const *) a)->key;
	uint64		kb = (*(UnitChunk *const *) b)->key;

	return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/* Write a settled set: its chunks and its scattered ids, in key order. */
static void
unitset_serialize(StringInfo buf, UnitSet *set)
{
	uint32		nchunks = set->chunks == NULL ? 0 : set->chunks->members;
	UnitChunk **sorted = palloc(Max(nchunks, 1) * sizeof(UnitChunk *));
	uint32		nruns = 0;
	uint32		c = 0;
	Size		s = 0;

	Assert(set->scattered_used == set->scattered_sorted);
	if (set->chunks != NULL)
	{
		chunkmap_iterator it;
		UnitChunk  *chunk;
		uint32		n = 0;

		chunkmap_start_iterate(set->chunks, &it);
		while ((chunk = chunkmap_iterate(set->chunks, &it)) != NULL)
			sorted[n++] = chunk;
		qsort(sorted, n, sizeof(UnitChunk *), chunk_key_cmp);
	}
	for (Size i = 0; i < set->scattered_sorted; i++)
		if (i == 0 || (set->scattered[i] >> CHUNK_SHIFT) != (set->scattered[i - 1] >> CHUNK_SHIFT))
			nruns++;

	pq_sendint64(buf, set->chunk_ids + set->scattered_sorted);
	pq_sendint32(buf, nchunks + nruns);
	while (c < nchunks || s < set->scattered_sorted)
	{
		uint64		scattered_key = s < set->scattered_sorted ? set->scattered[s] >> CHUNK_SHIFT : 0;

		if (s >= set->scattered_sorted || (c < nchunks && sorted[c]->key < scattered_key))
		{
			UnitChunk  *chunk = sorted[c++];

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
		else
		{
			/* a run of scattered ids is an array chunk of its key */
			Size		end = s + 1;

			Assert(c >= nchunks || sorted[c]->key != scattered_key);
			while (end < set->scattered_sorted && (set->scattered[end] >> CHUNK_SHIFT) == scattered_key)
				end++;
			pq_sendint64(buf, scattered_key);
			pq_sendint16(buf, KIND_ARRAY);
			pq_sendint32(buf, (uint32) (end - s));
			for (; s < end; s++)
				pq_sendint16(buf, (uint16) (set->scattered[s] & (CHUNK_IDS - 1)));
		}
	}
	pfree(sorted);
}

/* The state, flushed, in the layout above (version 2, with its CRC). */
static bytea *
coverage_state_write(CoverageState *state)
{
	StringInfoData buf;
	pg_crc32c	crc;

	coverage_flush(state);
	pq_begintypsend(&buf);
	pq_sendint32(&buf, COVERAGE_MAGIC);
	pq_sendint16(&buf, COVERAGE_VERSION);
	pq_sendint16(&buf, 0);
	unitset_serialize(&buf, &state->units);
	unitset_serialize(&buf, &state->covered);
	INIT_CRC32C(crc);
	COMP_CRC32C(crc, buf.data + VARHDRSZ, buf.len - VARHDRSZ);
	FIN_CRC32C(crc);
	pq_sendint32(&buf, crc);
	return pq_endtypsend(&buf);
}

/* coverage_serialize(state) -> bytea in the fixed layout above */
Datum
coverage_serialize(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(coverage_state_write((CoverageState *) PG_GETARG_POINTER(0)));
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

/*
 * Read one chunk's ids into a set: a chunk of fewer than PROMOTE_IDS ids goes
 * to the scattered ids, a bitmap of at most ARRAY_MAX ids becomes an array,
 * so that a state read costs what the same state built row by row costs.
 * "ids" has room for ARRAY_MAX ids.
 */
static void
unitset_read_chunk(StateReader *reader, UnitSet *set, uint64 key, int kind,
				   uint64 cardinality, uint64 *ids)
{
	uint64		base = key << CHUNK_SHIFT;
	int			count = 0;
	bool		found;
	UnitChunk  *chunk;

	if (kind == KIND_ARRAY)
	{
		if (cardinality < 1 || cardinality > ARRAY_MAX)
			report_corrupt("An array chunk has an invalid cardinality.");
		if ((uint64) (reader->end - reader->pos) < cardinality * sizeof(uint16))
			report_corrupt("The state ends early.");
		for (uint64 k = 0; k < cardinality; k++)
		{
			ids[count] = base | read_uint(reader, 2);
			if (count > 0 && ids[count] <= ids[count - 1])
				report_corrupt("An array chunk is not strictly increasing.");
			count++;
		}
	}
	else if (kind == KIND_BITMAP)
	{
		if (cardinality < 1 || cardinality > CHUNK_IDS)
			report_corrupt("A bitmap chunk has an invalid cardinality.");
		if ((uint64) (reader->end - reader->pos) < BITMAP_BYTES)
			report_corrupt("The state ends early.");
		if (cardinality > ARRAY_MAX)
		{
			/* a dense chunk stays a bitmap */
			uint64	   *words;

			chunk = unitset_add_chunk(set, key, &found);
			if (found)
				report_corrupt("A chunk key repeats.");
			words = memory_alloc(set->memory, BITMAP_BYTES, false);
			chunk->data = words;
			chunk->capacity = CAPACITY_BITMAP;
			for (int w = 0; w < BITMAP_WORDS; w++)
				words[w] = read_uint(reader, 8);
			if ((uint64) pg_popcount((const char *) words, BITMAP_BYTES) != cardinality)
				report_corrupt("A bitmap chunk's cardinality does not match its bits.");
			chunk->cardinality = (int32) cardinality;
			set->chunk_ids += cardinality;
			return;
		}
		for (int w = 0; w < BITMAP_WORDS; w++)
		{
			for (uint64 bits = read_uint(reader, 8); bits != 0; bits &= bits - 1)
			{
				if ((uint64) count == cardinality)
					report_corrupt("A bitmap chunk's cardinality does not match its bits.");
				ids[count++] = base | (uint64) (w * 64 + pg_rightmost_one_pos64(bits));
			}
		}
		if ((uint64) count != cardinality)
			report_corrupt("A bitmap chunk's cardinality does not match its bits.");
	}
	else
		report_corrupt("A chunk has an unknown kind.");

	if (count >= PROMOTE_IDS)
	{
		chunk = unitset_add_chunk(set, key, &found);
		if (found)
			report_corrupt("A chunk key repeats.");
		chunk_fill(set, chunk, ids, count);
	}
	else
	{
		for (int k = 0; k < count; k++)
			unitset_add(set, (int64) ids[k]);
	}
}

static void
unitset_deserialize(StateReader *reader, UnitSet *set)
{
	uint64		count = read_uint(reader, 8);
	uint64		nchunks = read_uint(reader, 4);
	bool		have_previous = false;
	uint64		previous_key = 0;
	uint64	   *ids = palloc(ARRAY_MAX * sizeof(uint64));

	/* every chunk takes at least 16 bytes: refuse counts the data can't hold */
	if (nchunks > (uint64) (reader->end - reader->pos) / 16)
		report_corrupt("The chunk count exceeds the data.");
	for (uint64 i = 0; i < nchunks; i++)
	{
		uint64		key = read_uint(reader, 8);
		int			kind = (int) read_uint(reader, 2);
		uint64		cardinality = read_uint(reader, 4);

		if (key > (PG_UINT64_MAX >> CHUNK_SHIFT))
			report_corrupt("A chunk key is out of range.");
		if (have_previous && key <= previous_key)
			report_corrupt("Chunk keys are not strictly increasing.");
		have_previous = true;
		previous_key = key;
		unitset_read_chunk(reader, set, key, kind, cardinality, ids);
	}
	pfree(ids);
	if (unitset_count(set) != count)
		report_corrupt("The distinct count does not match the chunks.");
}

/* Is every id of "subset" in "set"?  Both are settled. */
static bool
unitset_contains_all(UnitSet *set, UnitSet *subset)
{
	if (subset->chunks != NULL)
	{
		chunkmap_iterator it;
		UnitChunk  *chunk;

		chunkmap_start_iterate(subset->chunks, &it);
		while ((chunk = chunkmap_iterate(subset->chunks, &it)) != NULL)
		{
			uint64		base = chunk->key << CHUNK_SHIFT;

			if (chunk->capacity == CAPACITY_BITMAP)
			{
				const uint64 *words = (const uint64 *) chunk->data;

				for (int w = 0; w < BITMAP_WORDS; w++)
					for (uint64 bits = words[w]; bits != 0; bits &= bits - 1)
						if (!unitset_contains(set, base | (uint64) (w * 64 + pg_rightmost_one_pos64(bits))))
							return false;
			}
			else
			{
				const uint16 *lows = (const uint16 *) chunk->data;

				for (int k = 0; k < chunk->cardinality; k++)
					if (!unitset_contains(set, base | lows[k]))
						return false;
			}
		}
	}
	for (Size i = 0; i < subset->scattered_sorted; i++)
		if (!unitset_contains(set, subset->scattered[i]))
			return false;
	return true;
}

/*
 * Read a serialised state, checking everything, into a new state in
 * "context".  Version 2 carries a CRC-32C of its bytes; version 1 (poverty_aid
 * 1.0) has none.
 */
static CoverageState *
coverage_state_read(bytea *data, MemoryContext context)
{
	CoverageState *state;
	StateReader reader;
	uint64		version;

	reader.pos = (const unsigned char *) VARDATA_ANY(data);
	reader.end = reader.pos + VARSIZE_ANY_EXHDR(data);
	if (read_uint(&reader, 4) != COVERAGE_MAGIC)
		report_corrupt("The state does not start with the coverage magic number.");
	version = read_uint(&reader, 2);
	if (version == COVERAGE_VERSION)
	{
		const unsigned char *start = (const unsigned char *) VARDATA_ANY(data);
		pg_crc32c	crc;
		StateReader tail;

		if (reader.end - reader.pos < 2 + 4)
			report_corrupt("The state ends early.");
		tail.pos = reader.end - 4;
		tail.end = reader.end;
		INIT_CRC32C(crc);
		COMP_CRC32C(crc, start, tail.pos - start);
		FIN_CRC32C(crc);
		if (read_uint(&tail, 4) != crc)
			report_corrupt("The state's CRC does not match its bytes.");
		reader.end -= 4;
	}
	else if (version != COVERAGE_VERSION_NO_CRC)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid serialized coverage state"),
				 errdetail("The state has format version %d; this library reads versions 1 and 2.",
						   (int) version)));
	if (read_uint(&reader, 2) != 0)
		report_corrupt("Reserved bits are set.");
	state = coverage_state_create(context);
	unitset_deserialize(&reader, &state->units);
	unitset_deserialize(&reader, &state->covered);
	if (reader.pos != reader.end)
		report_corrupt("The state has trailing bytes.");
	if (!unitset_contains_all(&state->units, &state->covered))
		report_corrupt("A covered unit is missing from the units in scope.");
	return state;
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

/* Union "other" into "state"; "other" keeps its ids. */
static void
coverage_union(CoverageState *state, CoverageState *other)
{
	coverage_flush(state);
	coverage_flush(other);
	unitset_merge(&state->units, &other->units);
	unitset_merge(&state->covered, &other->covered);
}

/*
 * coverage_combine(state1, state2): the union of both, built in state1 (or a
 * new state in the aggregate context if state1 is NULL); state2 keeps its ids.
 */
Datum
coverage_combine(PG_FUNCTION_ARGS)
{
	MemoryContext context;
	CoverageState *state;

	if (!AggCheckCallContext(fcinfo, &context))
		elog(ERROR, "coverage_combine called in non-aggregate context");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	state = PG_ARGISNULL(0) ? coverage_state_create(context) :
		(CoverageState *) PG_GETARG_POINTER(0);
	coverage_union(state, (CoverageState *) PG_GETARG_POINTER(1));
	PG_RETURN_POINTER(state);
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

/*
 * coverage_rollup_trans(state, bytea): the union of the states read so far and
 * one more serialised state (from coverage_state() or coverage_rollup()).
 * The input is read into a scratch context, merged, and dropped.  A NULL
 * input is skipped.
 */
Datum
coverage_rollup_trans(PG_FUNCTION_ARGS)
{
	MemoryContext context;
	MemoryContext scratch;
	CoverageState *state;

	if (!AggCheckCallContext(fcinfo, &context))
		elog(ERROR, "coverage_rollup_trans called in non-aggregate context");
	state = PG_ARGISNULL(0) ? coverage_state_create(context) :
		(CoverageState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);
	scratch = AllocSetContextCreate(CurrentMemoryContext, "coverage_rollup input",
									ALLOCSET_DEFAULT_SIZES);
	coverage_union(state, coverage_state_read(PG_GETARG_BYTEA_PP(1), scratch));
	MemoryContextDelete(scratch);
	PG_RETURN_POINTER(state);
}

static Ratio *
coverage_ratio(CoverageState *state)
{
	Ratio	   *result = (Ratio *) palloc0(sizeof(Ratio));

	if (state != NULL)
	{
		coverage_flush(state);
		result->num = ratio_part_make(exact_decimal_from_int64((int64) unitset_count(&state->covered)), 0);
		result->den = ratio_part_make(exact_decimal_from_int64((int64) unitset_count(&state->units)), 0);
	}
	return result;
}

/*
 * coverage_state_final(state) -> bytea: the final step of coverage_state()
 * and coverage_rollup(), the serialised set itself, so that sets from several
 * servers can be shipped, united with coverage_rollup() and evaluated with
 * coverage_of_state.  No rows give the serialised empty state.
 */
Datum
coverage_state_final(PG_FUNCTION_ARGS)
{
	CoverageState *state;

	if (PG_ARGISNULL(0))
		state = coverage_state_create(CurrentMemoryContext);
	else
		state = (CoverageState *) PG_GETARG_POINTER(0);
	PG_RETURN_BYTEA_P(coverage_state_write(state));
}

/* coverage_of_state(bytea) -> ratio: coverage of a serialised state */
Datum
coverage_of_state(PG_FUNCTION_ARGS)
{
	PG_RETURN_RATIO_P(coverage_ratio(coverage_state_read(PG_GETARG_BYTEA_PP(0),
														 CurrentMemoryContext)));
}

/*
 * coverage_state_memory(bytea) -> bigint: bytes of memory a serialised state
 * takes once read, counted as poverty_aid.coverage_memory_limit counts them.
 */
Datum
coverage_state_memory(PG_FUNCTION_ARGS)
{
	CoverageState *state = coverage_state_read(PG_GETARG_BYTEA_PP(0), CurrentMemoryContext);

	PG_RETURN_INT64((int64) state->memory.bytes);
}

/* coverage_final(state) -> ratio: distinct covered units / distinct units */
Datum
coverage_final(PG_FUNCTION_ARGS)
{
	PG_RETURN_RATIO_P(coverage_ratio(PG_ARGISNULL(0) ? NULL :
									 (CoverageState *) PG_GETARG_POINTER(0)));
}

/*
 * coverage_state_bytes_final(state) -> bigint: memory held by the state, as
 * allocated (GetMemoryChunkSpace of every allocation)
 */
Datum
coverage_state_bytes_final(PG_FUNCTION_ARGS)
{
	CoverageState *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_INT64(0);
	state = (CoverageState *) PG_GETARG_POINTER(0);
	coverage_flush(state);
	PG_RETURN_INT64((int64) state->memory.bytes);
}
