/* asset: lookup in the embedded asset table (see asset.h). */
#include "asset.h"
#include <string.h>

const struct asset *asset_find(const char *name)
{
	for (const struct asset *a = assets; a->name; a++)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}
