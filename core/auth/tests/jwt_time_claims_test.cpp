// JWT time claims (issue 13): nbf and iat with a leeway, fractional NumericDates, and one message
// per way a token is refused.
#include <gtest/gtest.h>
#include <jwt.h>

#include <memory>
#include <string>

#include "auth/authenticator.h"

namespace zaplify::core {
namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef-test-secret";
constexpr std::int64_t kNow = 1'800'000'000;

/// An HS256 token with tenant "acme", role viewer, and `time_claims` (a JSON object text).
std::string token_with(const std::string& time_claims) {
  jwt_t* raw = nullptr;
  jwt_new(&raw);
  std::unique_ptr<jwt_t, decltype(&jwt_free)> j(raw, jwt_free);
  jwt_add_grant(j.get(), "tenant_id", "acme");
  jwt_add_grant(j.get(), "role", "viewer");
  if (!time_claims.empty()) jwt_add_grants_json(j.get(), time_claims.c_str());
  jwt_set_alg(j.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(kSecret.data()),
              static_cast<int>(kSecret.size()));
  std::unique_ptr<char, decltype(&free)> s(jwt_encode_str(j.get()), free);
  return s ? std::string(s.get()) : std::string();
}

/// "ok", or the 401 message the token gets at kNow with a 30 s leeway.
std::string verdict(const std::string& time_claims, int leeway = 30) {
  Authenticator auth(AuthSettings{"jwt", kSecret, leeway});
  try {
    auth.authenticate("Bearer " + token_with(time_claims), "", true, kNow);
    return "ok";
  } catch (const sdk::HttpError& e) {
    EXPECT_EQ(e.status(), 401);
    return e.what();
  }
}

std::string at(double offset) { return std::to_string(static_cast<double>(kNow) + offset); }

TEST(JwtTimeClaims, FractionalExpIsANumericDate) {
  EXPECT_EQ(verdict("{\"exp\": " + at(3600.5) + "}"), "ok");
  EXPECT_EQ(verdict("{\"exp\": " + at(-0.5) + "}"), "token expired");
}

TEST(JwtTimeClaims, ExpiredMissingAndMalformedHaveDistinctMessages) {
  EXPECT_EQ(verdict("{\"exp\": " + std::to_string(kNow) + "}"), "token expired");
  EXPECT_EQ(verdict(""), "token has no exp claim");
  EXPECT_EQ(verdict("{\"exp\": \"" + std::to_string(kNow + 3600) + "\"}"),
            "token exp claim must be a number");
}

TEST(JwtTimeClaims, FutureNbfIsRefusedBeyondTheLeeway) {
  std::string exp = "\"exp\": " + at(3600);
  EXPECT_EQ(verdict("{" + exp + ", \"nbf\": " + at(3600) + "}"), "token not yet valid");
  EXPECT_EQ(verdict("{" + exp + ", \"nbf\": " + at(31) + "}"), "token not yet valid");
  EXPECT_EQ(verdict("{" + exp + ", \"nbf\": " + at(29.5) + "}"), "ok");  // within the leeway
  EXPECT_EQ(verdict("{" + exp + ", \"nbf\": " + at(-60) + "}"), "ok");
  EXPECT_EQ(verdict("{" + exp + ", \"nbf\": " + at(10) + "}", 0), "token not yet valid");
  EXPECT_EQ(verdict("{" + exp + ", \"nbf\": \"soon\"}"), "token nbf claim must be a number");
}

TEST(JwtTimeClaims, IatInTheFutureIsRefusedBeyondTheLeeway) {
  std::string exp = "\"exp\": " + at(3600);
  EXPECT_EQ(verdict("{" + exp + ", \"iat\": " + at(-10) + "}"), "ok");
  EXPECT_EQ(verdict("{" + exp + ", \"iat\": " + at(20) + "}"), "ok");
  EXPECT_EQ(verdict("{" + exp + ", \"iat\": " + at(120) + "}"), "token issued in the future");
  EXPECT_EQ(verdict("{" + exp + ", \"iat\": null}"), "token iat claim must be a number");
}

}  // namespace
}  // namespace zaplify::core
