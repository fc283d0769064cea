#ifndef HERALD_CMAGIC_SHIM_H
#define HERALD_CMAGIC_SHIM_H
#include <magic.h>
#endif
