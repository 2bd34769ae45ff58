// SigningKey and the free functions over public keys (policies/inspect/signing_key.hpp).
#include "policies/inspect/signing_key.hpp"

#include <gtest/gtest.h>

namespace mirrord {
namespace {

TEST(SigningKeyTest, PublicKeyIdNamesAKeyAsItsOwnerDoes) {
  auto key = SigningKey::generate();
  ASSERT_TRUE(key);
  auto id = public_key_id(key->public_pem());
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, key->key_id());
  auto other = SigningKey::generate();
  ASSERT_TRUE(other);
  EXPECT_NE(*public_key_id(other->public_pem()), *id);
}

TEST(SigningKeyTest, PublicKeyIdRefusesWhatIsNotAnEd25519PublicKey) {
  auto key = SigningKey::generate();
  ASSERT_TRUE(key);
  for (const std::string& text :
       {std::string(), std::string("not a pem"), key->public_pem().substr(0, 40)}) {
    auto id = public_key_id(text);
    ASSERT_FALSE(id) << text;
    EXPECT_EQ(id.error().code, ErrorCode::kInvalidInput);
  }
}

TEST(SigningKeyTest, SignaturesVerifyOnlyWithTheSigningKey) {
  auto key = SigningKey::generate();
  auto other = SigningKey::generate();
  ASSERT_TRUE(key && other);
  const std::string signature = key->sign("bytes");
  EXPECT_TRUE(verify_ed25519(key->public_pem(), "bytes", signature));
  EXPECT_FALSE(verify_ed25519(other->public_pem(), "bytes", signature));
  EXPECT_FALSE(verify_ed25519(key->public_pem(), "bytez", signature));
}

}  // namespace
}  // namespace mirrord
