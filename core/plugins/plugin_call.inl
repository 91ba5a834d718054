#pragma once
// Implementation of call_plugin_code (included by data_source_catalog.h).

#include <stdexcept>

#include "zaplify/sdk/http.h"
#include "zaplify/sdk/store.h"

namespace zaplify::core {

template <typename F>
decltype(auto) call_plugin_code(const std::string& plugin, F&& f) {
  // Each handler copies what it needs and throws a new, host-made exception: the plugin's own
  // exception object (whose vtable lives in the plugin) is destroyed before this frame unwinds,
  // while the caller still holds the plugin loaded.
  try {
    return f();
  } catch (const sdk::HttpError& e) {
    throw sdk::HttpError(e.status(), e.code(), e.what(), e.field());
  } catch (const sdk::StoreError& e) {
    throw sdk::StoreError(e.what(), e.unavailable());
  } catch (const std::exception& e) {
    throw std::runtime_error("plugin '" + plugin + "': " + e.what());
  } catch (...) {
    throw std::runtime_error("plugin '" + plugin + "' threw a non-standard exception");
  }
}

}  // namespace zaplify::core
