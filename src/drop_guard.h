/*-------------------------------------------------------------------------
 *
 * drop_guard.h
 *	  The guard against dropping a register that holds rows.
 *
 *-------------------------------------------------------------------------
 */
#ifndef POVERTY_AID_DROP_GUARD_H
#define POVERTY_AID_DROP_GUARD_H

extern bool poverty_aid_allow_drop_register;

extern void drop_guard_init(void);

#endif							/* POVERTY_AID_DROP_GUARD_H */
