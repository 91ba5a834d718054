#pragma once
// Checking live answers against the server's own /openapi.json (issue 19): OpenAPI 3.0 schemas
// validated with valijson (libvalijson-dev), and the helpers the contract and examples tests share.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/server.h"

namespace valijson {
class Schema;
class Validator;
}  // namespace valijson

namespace zaplify::testing {

/// A server with every built-in plugin on `backend` ("sqlite" | "postgres"), costs priced as in
/// config/analytics.yaml for the demo's assistants, the drills' topic dictionary.
ServerOptions contract_server_options(const std::string& backend);

/// Waits until a --demo server reports its demo data loaded and every plugin running; false after
/// 60 s.
bool wait_demo_loaded(const ServerProcess& server);

/// OpenAPI 3.0 schema objects → JSON Schema (draft 7), which valijson reads: `nullable: true`
/// becomes a null alternative; OpenAPI-only keywords (example, discriminator, x-*) are dropped;
/// `format` date, time and date-time become the equivalent `pattern` (valijson compiles a regex for
/// every formatted value it checks, but caches patterns: minutes against seconds under ASan).
nlohmann::json to_json_schema(const nlohmann::json& node);

/// Validates values against schemas of one OpenAPI document (its components resolve `$ref`s).
/// Not thread-safe.
class ContractValidator {
 public:
  explicit ContractValidator(const nlohmann::json& openapi);
  ~ContractValidator();
  ContractValidator(const ContractValidator&) = delete;
  ContractValidator& operator=(const ContractValidator&) = delete;

  /// "" when `value` is valid against the OpenAPI schema `schema`, else valijson's reasons.
  std::string check(const nlohmann::json& value, const nlohmann::json& schema);

 private:
  nlohmann::json components_;
  std::vector<std::unique_ptr<nlohmann::json>> root_docs_;  ///< valijson keeps pointers into them.
  std::map<std::string, std::unique_ptr<valijson::Schema>> parsed_;
  std::unique_ptr<valijson::Validator> validator_;  ///< One for all checks: it caches regexes.
};

/// The JSON schema the operation declares for `status` (application/json); null when none.
const nlohmann::json* response_schema(const nlohmann::json& op, int status);

/// One object node of `value` per distinct shape, as JSON pointers: the first node found at each
/// path whose array indices are read as "*" ({"a": [{}, {}]} → "", "/a/0"). An undeclared field
/// injected at each of them covers every object schema the answer uses, without validating a
/// 500-row answer once per row (quadratic; minutes under AddressSanitizer).
void object_pointers(const nlohmann::json& value, const std::string& at,
                     std::vector<std::string>& out);

/// The documented path template a concrete target (path + query) calls, e.g.
/// "/analytics/funnel/sales?from=x" → "/analytics/funnel/{funnel_id}"; "" when none matches.
std::string path_template(const nlohmann::json& openapi, const std::string& target);

/// Every field path of `value`, array items written as "*": {"a": [{"b": 1}]} → {"/a", "/a/*",
/// "/a/*/b"}. What an example must show of a live answer.
std::set<std::string> field_paths(const nlohmann::json& value);

/// `value` with every array of more than 8 items cut to its first 3 (at any depth): an example body
/// short enough to read, whose short lists (a funnel's stages, a histogram) stay whole.
nlohmann::json trimmed(const nlohmann::json& value);

}  // namespace zaplify::testing
