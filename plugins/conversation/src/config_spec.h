#pragma once
// The conversation plugin's `config:` declaration: lexicons, topics, tenant_topics and
// tenant_sentiment (plugin_config.h reads them).

#include "zaplify/sdk/sdk.h"

namespace zaplify::conversation {

sdk::ConfigSpec conversation_config();

}  // namespace zaplify::conversation
