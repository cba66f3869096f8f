/* banned: functions Haven must not call (unbounded copies, unchecked conversions, hidden
 * state). Forced into every translation unit by the build. Object-like macros rename even
 * the system headers' declarations, so any use fails to link with a self-explaining name. */
#ifndef HV_BANNED_H
#define HV_BANNED_H

#define strcpy sorry_strcpy_is_banned_use_snprintf
#define strcat sorry_strcat_is_banned_use_buf
#define strncpy sorry_strncpy_is_banned_use_snprintf
#define sprintf sorry_sprintf_is_banned_use_snprintf
#define vsprintf sorry_vsprintf_is_banned_use_vsnprintf
#define strtok sorry_strtok_is_banned_use_strcspn
#define atoi sorry_atoi_is_banned_use_strtol
#define gets sorry_gets_is_banned_use_fgets

#endif
