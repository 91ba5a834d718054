#include <gtest/gtest.h>
#include <jwt.h>

#include <memory>

#include "auth/authenticator.h"

namespace zaplify::core {
namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef-test-secret";
constexpr std::int64_t kNow = 1'800'000'000;

struct Claims {
  std::optional<std::string> tenant = "acme";
  std::optional<std::string> role = "viewer";
  std::optional<long> exp = kNow + 3600;
};

std::string make_token(const Claims& c, jwt_alg_t alg = JWT_ALG_HS256,
                       const std::string& key = kSecret) {
  jwt_t* raw = nullptr;
  jwt_new(&raw);
  std::unique_ptr<jwt_t, decltype(&jwt_free)> j(raw, jwt_free);
  if (c.tenant) jwt_add_grant(j.get(), "tenant_id", c.tenant->c_str());
  if (c.role) jwt_add_grant(j.get(), "role", c.role->c_str());
  if (c.exp) jwt_add_grant_int(j.get(), "exp", *c.exp);
  if (alg == JWT_ALG_NONE)
    jwt_set_alg(j.get(), JWT_ALG_NONE, nullptr, 0);
  else
    jwt_set_alg(j.get(), alg, reinterpret_cast<const unsigned char*>(key.data()),
                static_cast<int>(key.size()));
  char* s = jwt_encode_str(j.get());
  std::string out = s ? s : "";
  free(s);
  return out;
}

Authenticator jwt_auth() { return Authenticator(AuthSettings{"jwt", kSecret}); }

int status_of(const Authenticator& a, const std::string& authz, const std::string& tenant = {},
              bool needs_tenant = true) {
  try {
    a.authenticate(authz, tenant, needs_tenant, kNow);
    return 200;
  } catch (const sdk::HttpError& e) {
    return e.status();
  }
}

TEST(Authenticator, GoodTokenGivesTenantAndRole) {
  auto p = jwt_auth().authenticate("Bearer " + make_token({}), "", true, kNow);
  EXPECT_EQ(p.tenant_id, "acme");
  EXPECT_EQ(p.role, sdk::Role::Viewer);
  EXPECT_FALSE(p.any_tenant);
  Claims admin;
  admin.role = "admin";
  EXPECT_EQ(jwt_auth().authenticate("bearer " + make_token(admin), "", true, kNow).role,
            sdk::Role::Admin);
}

TEST(Authenticator, ExpiredOrMissingExpIs401) {
  Claims expired;
  expired.exp = kNow;  // exp must be strictly after now
  EXPECT_EQ(status_of(jwt_auth(), "Bearer " + make_token(expired)), 401);
  Claims no_exp;
  no_exp.exp.reset();
  EXPECT_EQ(status_of(jwt_auth(), "Bearer " + make_token(no_exp)), 401);
}

TEST(Authenticator, WrongSignatureNoneAndHs512Are401) {
  EXPECT_EQ(status_of(jwt_auth(), "Bearer " + make_token({}, JWT_ALG_HS256, kSecret + "x")), 401);
  EXPECT_EQ(status_of(jwt_auth(), "Bearer " + make_token({}, JWT_ALG_NONE)), 401);
  EXPECT_EQ(status_of(jwt_auth(), "Bearer " + make_token({}, JWT_ALG_HS512)), 401);
  std::string tampered = make_token({});
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(status_of(jwt_auth(), "Bearer " + tampered), 401);
}

TEST(Authenticator, MissingOrBadClaimsAre401) {
  Claims no_tenant;
  no_tenant.tenant.reset();
  EXPECT_EQ(status_of(jwt_auth(), "Bearer " + make_token(no_tenant)), 401);
  Claims no_role;
  no_role.role.reset();
  EXPECT_EQ(status_of(jwt_auth(), "Bearer " + make_token(no_role)), 401);
  Claims bad_role;
  bad_role.role = "root";
  EXPECT_EQ(status_of(jwt_auth(), "Bearer " + make_token(bad_role)), 401);
  Claims bad_tenant;
  bad_tenant.tenant = "a b";
  EXPECT_EQ(status_of(jwt_auth(), "Bearer " + make_token(bad_tenant)), 401);
}

TEST(Authenticator, MissingOrMalformedHeaderIs401) {
  EXPECT_EQ(status_of(jwt_auth(), ""), 401);
  EXPECT_EQ(status_of(jwt_auth(), "Bearer "), 401);
  EXPECT_EQ(status_of(jwt_auth(), "Basic abc"), 401);
  EXPECT_EQ(status_of(jwt_auth(), "Bearer not.a.token"), 401);
  EXPECT_EQ(status_of(jwt_auth(), "Bearer " + std::string(10000, 'a')), 401);
}

TEST(Authenticator, ErrorsNeverEchoTheToken) {
  std::string token = make_token({}, JWT_ALG_HS256, "wrong-key-wrong-key-wrong-key-123");
  try {
    jwt_auth().authenticate("Bearer " + token, "", true, kNow);
    FAIL();
  } catch (const sdk::HttpError& e) {
    EXPECT_EQ(std::string(e.what()).find(token.substr(0, 20)), std::string::npos);
    EXPECT_EQ(e.code(), "unauthorized");
  }
}

TEST(Authenticator, StarTokenUsesXTenantId) {
  Claims star;
  star.tenant = "*";
  star.role = "ingest";
  auto token = "Bearer " + make_token(star);
  auto p = jwt_auth().authenticate(token, "beta", true, kNow);
  EXPECT_EQ(p.tenant_id, "beta");
  EXPECT_TRUE(p.any_tenant);
  EXPECT_EQ(status_of(jwt_auth(), token, "", true), 400);
  EXPECT_EQ(status_of(jwt_auth(), token, "bad tenant!", true), 400);
  EXPECT_EQ(jwt_auth().authenticate(token, "", false, kNow).tenant_id, "*");
}

TEST(Authenticator, TenantTokenRejectsAnotherTenantHeader) {
  auto token = "Bearer " + make_token({});
  EXPECT_EQ(status_of(jwt_auth(), token, "acme"), 200);
  EXPECT_EQ(status_of(jwt_auth(), token, "other"), 403);
}

TEST(Authenticator, ModeNoneIsAdminOfHeaderTenantOrDefault) {
  Authenticator none(AuthSettings{"none", ""});
  EXPECT_FALSE(none.enabled());
  auto p = none.authenticate("", "t1", true, kNow);
  EXPECT_EQ(p.tenant_id, "t1");
  EXPECT_EQ(p.role, sdk::Role::Admin);
  EXPECT_EQ(none.authenticate("", "", true, kNow).tenant_id, "default");
  EXPECT_EQ(status_of(none, "", "../etc"), 400);
}

TEST(Authenticator, JwtModeNeedsASecret) {
  EXPECT_THROW(Authenticator(AuthSettings{"jwt", ""}), std::invalid_argument);
  EXPECT_THROW(Authenticator(AuthSettings{"oauth", "x"}), std::invalid_argument);
}

}  // namespace
}  // namespace zaplify::core
