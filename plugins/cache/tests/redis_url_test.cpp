#include "redis_url.h"

#include <gtest/gtest.h>

namespace zaplify::cache {
namespace {

TEST(RedisUrl, HostPortAndDefaults) {
  auto ep = parse_redis_url("redis://cache.internal:6380");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "cache.internal");
  EXPECT_EQ(ep->port, 6380);
  EXPECT_EQ(ep->db, 0);
  EXPECT_TRUE(ep->password.empty());
  auto bare = parse_redis_url("redis://localhost");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->port, 6379);
}

TEST(RedisUrl, PasswordUserAndDatabase) {
  auto ep = parse_redis_url("redis://:s3cr%40t@10.0.0.5:7000/3");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "10.0.0.5");
  EXPECT_EQ(ep->port, 7000);
  EXPECT_EQ(ep->password, "s3cr@t");
  EXPECT_TRUE(ep->user.empty());
  EXPECT_EQ(ep->db, 3);
  auto acl = parse_redis_url("redis://app:pw@h:1/0");
  ASSERT_TRUE(acl);
  EXPECT_EQ(acl->user, "app");
  EXPECT_EQ(acl->password, "pw");
  auto only = parse_redis_url("redis://pw@h:1");
  ASSERT_TRUE(only);
  EXPECT_EQ(only->password, "pw");
  EXPECT_TRUE(only->user.empty());
}

TEST(RedisUrl, RejectsMalformedUrls) {
  for (const char* bad :
       {"", "http://h:1", "redis://", "redis://:6379", "redis://h:0", "redis://h:70000",
        "redis://h:12x", "redis://h:1/db", "redis://h:1/-1", "redis://:%zz@h:1"}) {
    EXPECT_FALSE(parse_redis_url(bad)) << bad;
  }
}

}  // namespace
}  // namespace zaplify::cache
