#pragma once
// Umbrella header: everything a plugin may include.
#include "zaplify/sdk/plugin.h"
#include "zaplify/sdk/series.h"
