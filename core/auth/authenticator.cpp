#include "auth/authenticator.h"

#include <jwt.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace zaplify::core {
namespace {

// Tokens beyond this are refused before any parsing: no legitimate token comes near it.
constexpr std::size_t kMaxTokenBytes = 8192;

sdk::HttpError unauthorized(const std::string& why) {
  return sdk::HttpError(401, "unauthorized", why);
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// The token of "Bearer <token>" (scheme case-insensitive), or throws 401.
std::string bearer_token(const std::string& authorization) {
  std::string_view h = trim(authorization);
  if (h.empty()) throw unauthorized("missing bearer token");
  if (!iequals_prefix(h, "bearer ") && !iequals_prefix(h, "bearer\t"))
    throw unauthorized("authorization scheme must be Bearer");
  std::string_view token = trim(h.substr(7));
  if (token.empty()) throw unauthorized("missing bearer token");
  if (token.size() > kMaxTokenBytes) throw unauthorized("token too large");
  if (token.find('\0') != std::string_view::npos) throw unauthorized("malformed token");
  return std::string(token);
}

using JwtPtr = std::unique_ptr<jwt_t, decltype(&jwt_free)>;

JwtPtr decode_verified(const std::string& token, const std::string& secret) {
  jwt_t* raw = nullptr;
  // Never a NULL key: libjwt then accepts a token whatever its signature.
  int rc = jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                      static_cast<int>(secret.size()));
  JwtPtr jwt(raw, jwt_free);
  if (rc != 0 || !jwt) throw unauthorized("invalid token signature or format");
  // Pinned: an HS512 token signed with the same secret passes jwt_decode.
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) throw unauthorized("token algorithm must be HS256");
  return jwt;
}

/// Every claim of a verified token, as JSON (libjwt reads only integer grants).
nlohmann::json claims_of(jwt_t* jwt) {
  std::unique_ptr<char, decltype(&free)> text(jwt_get_grants_json(jwt, nullptr), free);
  if (!text) throw unauthorized("malformed token claims");
  auto claims = nlohmann::json::parse(text.get(), nullptr, false);
  if (!claims.is_object()) throw unauthorized("malformed token claims");
  return claims;
}

/// A NumericDate claim (RFC 7519 §2: seconds, may be fractional); nullopt when absent.
std::optional<double> time_claim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (!it->is_number())
    throw unauthorized(std::string("token ") + name + " claim must be a number");
  return it->get<double>();
}

/// exp is required and strict; nbf and iat allow `leeway` seconds of clock skew.
void check_time_claims(const nlohmann::json& claims, std::int64_t now, int leeway) {
  auto exp = time_claim(claims, "exp");
  if (!exp) throw unauthorized("token has no exp claim");
  if (*exp <= static_cast<double>(now)) throw unauthorized("token expired");
  auto latest = static_cast<double>(now + leeway);
  if (auto nbf = time_claim(claims, "nbf"); nbf && *nbf > latest)
    throw unauthorized("token not yet valid");
  if (auto iat = time_claim(claims, "iat"); iat && *iat > latest)
    throw unauthorized("token issued in the future");
}

std::optional<sdk::Role> parse_role(std::string_view r) {
  if (r == "viewer") return sdk::Role::Viewer;
  if (r == "ingest") return sdk::Role::Ingest;
  if (r == "admin") return sdk::Role::Admin;
  return std::nullopt;
}

}  // namespace

bool is_valid_tenant_id(std::string_view t) {
  if (t.empty() || t.size() > 64) return false;
  for (char c : t) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Authenticator::Authenticator(AuthSettings settings) : settings_(std::move(settings)) {
  if (settings_.mode != "none" && settings_.mode != "jwt")
    throw std::invalid_argument("auth.mode must be 'none' or 'jwt'");
  if (settings_.mode == "jwt" && settings_.secret_key.empty())
    throw std::invalid_argument("auth.mode 'jwt' needs SECRET_KEY");
}

bool Authenticator::enabled() const { return settings_.mode == "jwt"; }

namespace {

std::string checked_header_tenant(const std::string& x_tenant_id) {
  if (!is_valid_tenant_id(x_tenant_id))
    throw sdk::HttpError(400, "invalid_tenant", "X-Tenant-ID must match [A-Za-z0-9_-]{1,64}",
                         "X-Tenant-ID");
  return x_tenant_id;
}

}  // namespace

Principal Authenticator::authenticate(const std::string& authorization,
                                      const std::string& x_tenant_id, bool needs_tenant,
                                      std::int64_t now_seconds) const {
  Principal p;
  if (!enabled()) {
    p.role = sdk::Role::Admin;
    p.tenant_id = x_tenant_id.empty() ? std::string("default") : checked_header_tenant(x_tenant_id);
    return p;
  }
  JwtPtr jwt = decode_verified(bearer_token(authorization), settings_.secret_key);

  check_time_claims(claims_of(jwt.get()), now_seconds, settings_.leeway_seconds);

  const char* tenant = jwt_get_grant(jwt.get(), "tenant_id");
  if (!tenant) throw unauthorized("token has no tenant_id claim");
  std::string_view token_tenant(tenant);
  if (token_tenant != "*" && !is_valid_tenant_id(token_tenant))
    throw unauthorized("token tenant_id is malformed");

  const char* role = jwt_get_grant(jwt.get(), "role");
  auto parsed_role = role ? parse_role(role) : std::nullopt;
  if (!parsed_role) throw unauthorized("token role must be viewer, ingest or admin");
  p.role = *parsed_role;

  if (token_tenant == "*") {
    p.any_tenant = true;
    if (!x_tenant_id.empty()) {
      p.tenant_id = checked_header_tenant(x_tenant_id);
    } else if (needs_tenant) {
      throw sdk::HttpError(400, "missing_tenant", "a token for any tenant must send X-Tenant-ID",
                           "X-Tenant-ID");
    } else {
      p.tenant_id.assign(1, '*');  // e.g. ingest: each event names its own tenant
    }
    return p;
  }
  // A tenant token acts only on its own tenant: naming another one is a refusal, not a silent
  // rewrite, so a misconfigured gateway notices.
  if (!x_tenant_id.empty() && x_tenant_id != token_tenant)
    throw sdk::HttpError(403, "forbidden", "the token is not valid for the tenant in X-Tenant-ID");
  p.tenant_id = std::string(token_tenant);
  return p;
}

}  // namespace zaplify::core
