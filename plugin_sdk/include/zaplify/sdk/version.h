#pragma once
// Version of the plugin SDK and the export macro every SDK type carries.
//
// The ABI version changes whenever a type or interface in plugin_sdk/ changes in a way that an
// already-built plugin would misread. The host refuses a plugin whose descriptor names another ABI
// version, naming both versions in the error. The API is append-only within one ABI version.

#define ZAPLIFY_SDK_ABI_VERSION 1u
#define ZAPLIFY_SDK_VERSION "1.2.0"

// Plugins are built with hidden visibility. SDK types that cross the boundary (exceptions,
// polymorphic interfaces) keep default visibility so their type_info compares equal in host and
// plugin: a plugin's `throw HttpError` is then caught as an HttpError by the host.
#define ZAPLIFY_SDK_API __attribute__((visibility("default")))
