/*-------------------------------------------------------------------------
 *
 * region_code.h
 *	  Statistical division codes (12 digits, GB/T 2260 prefix).
 *
 *-------------------------------------------------------------------------
 */
#ifndef POVERTY_AID_REGION_CODE_H
#define POVERTY_AID_REGION_CODE_H

#define REGION_CODE_LEN 12

/*
 * Province whose county codes of 1988-2001 (460001-460039) put the county
 * part under a zero prefecture part: Hainan's counties were then directly
 * under the province.  The only such codes in the official list.
 */
#define REGION_COUNTIES_UNDER_PROVINCE "46"

typedef enum RegionLevel
{
	REGION_PROVINCE = 0,
	REGION_PREFECTURE,
	REGION_COUNTY,
	REGION_TOWNSHIP,
	REGION_VILLAGE
} RegionLevel;

extern RegionLevel region_code_parse(const char *text, int len, char *out);
extern char *region_code_fault(const char *text, int len, char *out,
							   int *level);
extern const char *region_level_name(RegionLevel level);

#endif							/* POVERTY_AID_REGION_CODE_H */
