// libFuzzer target: arbitrary Authorization / X-Tenant-ID header values through the authenticator
// (JWT parsing with libjwt). Any outcome but an sdk::HttpError or a Principal is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "auth/authenticator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const zaplify::core::Authenticator auth(
      zaplify::core::AuthSettings{"jwt", "fuzz-secret-fuzz-secret-fuzz-secret-32"});
  std::string input(reinterpret_cast<const char*>(data), size);
  // First byte picks the flags; a '\n' splits Authorization from X-Tenant-ID.
  bool needs_tenant = size > 0 && (data[0] & 1);
  std::size_t nl = input.find('\n');
  std::string authorization = input.substr(0, nl);
  std::string tenant = nl == std::string::npos ? std::string() : input.substr(nl + 1);
  try {
    auth.authenticate(authorization, tenant, needs_tenant, 1'800'000'000);
    auth.authenticate("Bearer " + authorization, tenant, needs_tenant, 1'800'000'000);
  } catch (const zaplify::sdk::HttpError&) {
  }
  return 0;
}
