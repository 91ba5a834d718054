#pragma once
// The examples /openapi.json (and so /docs) shows for the built-in routes: real answers of a
// server on its --demo data, recorded into core/docs/openapi_examples.json by the contract test
// (tests/integration/openapi_contract_test.cpp, ZAPLIFY_WRITE_OPENAPI_EXAMPLES) and compiled in.
// The same test fails when a shipped example no longer validates against its route's schema or
// lacks a field the live answer has, so they cannot drift from the code.

#include <nlohmann/json.hpp>

namespace zaplify::core {

/// {"METHOD /path": example body, ...}, parsed once from the compiled-in file. Thread-safe; the
/// reference stays valid for the life of the process. An empty object if the file is not JSON.
const nlohmann::json& shipped_openapi_examples();

}  // namespace zaplify::core
