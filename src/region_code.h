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

typedef enum RegionLevel
{
	REGION_PROVINCE = 0,
	REGION_PREFECTURE,
	REGION_COUNTY,
	REGION_TOWNSHIP,
	REGION_VILLAGE
} RegionLevel;

extern RegionLevel region_code_parse(const char *text, int len, char *out);
extern const char *region_level_name(RegionLevel level);

#endif							/* POVERTY_AID_REGION_CODE_H */
