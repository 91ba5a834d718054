#pragma once
// Version of the plugin SDK and the export macro every SDK type carries.
//
// The ABI version changes whenever a type or interface in plugin_sdk/ changes in a way that an
// already-built plugin would misread. The host refuses a plugin whose descriptor names another ABI
// version, naming both versions in the error. The API is append-only within one ABI version.

// ABI 2 (SDK 2.0): RouteSpec gained response_schema, other_responses and request_schema, Column
// gained unit and nullable (schema.h) — both are passed by value, so their layout changed.
// ABI 2 also gave the descriptor its size, the host ABI a plugin needs and its toolchain.
// SDK 2.1 (same ABI): a plugin may export its config declaration (config.h); a host reads it only
// when the symbol is there, and a 2.0 plugin simply has none.
// SDK 2.2 (same ABI): the host relation `conversations` (host_tables.h); nothing changed in layout.
#define ZAPLIFY_SDK_ABI_VERSION 2u
// The oldest plugin ABI this host loads (a host may keep loading older plugins in a later ABI).
#define ZAPLIFY_SDK_MIN_PLUGIN_ABI 2u
#define ZAPLIFY_SDK_VERSION "2.2.0"

// Plugins are built with hidden visibility. SDK types that cross the boundary (exceptions,
// polymorphic interfaces) keep default visibility so their type_info compares equal in host and
// plugin: a plugin's `throw HttpError` is then caught as an HttpError by the host.
#define ZAPLIFY_SDK_API __attribute__((visibility("default")))
