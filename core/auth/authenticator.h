#pragma once
// Who is calling (docs/api.md, Tenancy and auth): JWT HS256 with a pinned algorithm and checked
// time claims (`exp` required; `nbf` and `iat` when present, with a leeway; numeric, possibly
// fractional, per RFC 7519 NumericDate), or auth mode "none" with X-Tenant-ID. Never logs or echoes
// a token or the secret.

#include <optional>
#include <string>
#include <string_view>

#include "zaplify/sdk/http.h"

namespace zaplify::core {

struct Principal {
  std::string tenant_id;  ///< The tenant the request acts on (resolved for "*" tokens).
  sdk::Role role = sdk::Role::Viewer;
  bool any_tenant = false;  ///< The token's tenant_id is "*".
};

struct AuthSettings {
  std::string mode = "none";  ///< "none" | "jwt"
  std::string secret_key;     ///< HS256 secret (SECRET_KEY); required for jwt mode.
  int leeway_seconds = 30;    ///< Clock skew allowed for nbf and iat (auth.jwt_leeway_seconds).
};

/// True for `[A-Za-z0-9_-]{1,64}` (docs/api.md, Fields of every event: `tenant_id`).
bool is_valid_tenant_id(std::string_view tenant);

/// Thread-safe and stateless after construction.
class Authenticator {
 public:
  explicit Authenticator(AuthSettings settings);
  /// Authenticates a request from its Authorization and X-Tenant-ID header values (empty when
  /// absent). `needs_tenant` is true for routes that read tenant data (a "*" token must then name
  /// X-Tenant-ID). Throws sdk::HttpError 401 (bad/missing token; "token expired" when exp <= now;
  /// "token not yet valid" when nbf > now + leeway; "token issued in the future" when iat > now +
  /// leeway; "token <claim> claim must be a number" for a malformed time claim), 400 (missing or
  /// malformed X-Tenant-ID), 403 (a tenant token naming another tenant in X-Tenant-ID). Rules: mode
  /// "none" → Admin of X-Tenant-ID, else "default". A "*" token acts on X-Tenant-ID (validated);
  /// without it, tenant_id is "*" unless `needs_tenant` (then 400 missing_tenant). A tenant token
  /// accepts an X-Tenant-ID equal to its own tenant; a different one → 403. The constructor throws
  /// std::invalid_argument for an unknown mode, or jwt without a secret.
  Principal authenticate(const std::string& authorization, const std::string& x_tenant_id,
                         bool needs_tenant, std::int64_t now_seconds) const;
  bool enabled() const;

 private:
  AuthSettings settings_;
};

}  // namespace zaplify::core
