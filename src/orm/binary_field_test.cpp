// Binary fields' pure helpers: Odoo's human_size, strict base64 (what
// Python's base64.b64encode / encodebytes produce is taken, anything else
// refused), and the decoded size known before decoding.
#include "orm/binary_field.hpp"

#include <gtest/gtest.h>

namespace citadel::orm {
namespace {

TEST(BinaryField, HumanSizeAsOdoo) {
  // Python: odoo.tools.misc.human_size(n)
  EXPECT_EQ(HumanSize(0), false);
  EXPECT_EQ(HumanSize(1), "1.00 bytes");
  EXPECT_EQ(HumanSize(1023), "1023.00 bytes");
  EXPECT_EQ(HumanSize(1024), "1.00 Kb");
  EXPECT_EQ(HumanSize(12800), "12.50 Kb");
  EXPECT_EQ(HumanSize(1048575), "1024.00 Kb");
  EXPECT_EQ(HumanSize(1048576), "1.00 Mb");
  EXPECT_EQ(HumanSize(67108864), "64.00 Mb");
  EXPECT_EQ(HumanSize(5ull << 40), "5.00 Tb");
  EXPECT_EQ(HumanSize(1ull << 60), "1048576.00 Tb") << "Tb is the last unit";
}

TEST(BinaryField, DecodesWhatPythonEncodes) {
  // base64.b64encode(b"ABCDEF"), b"A", b"AB", b"\0\0", b"\xff\xfe\xfd"
  EXPECT_EQ(DecodeBinaryBase64("QUJDREVG"), "ABCDEF");
  EXPECT_EQ(DecodeBinaryBase64("QQ=="), "A");
  EXPECT_EQ(DecodeBinaryBase64("QUI="), "AB");
  EXPECT_EQ(DecodeBinaryBase64("AAA="), std::string(2, '\0'));
  EXPECT_EQ(DecodeBinaryBase64("//79"), "\xff\xfe\xfd");
  EXPECT_EQ(DecodeBinaryBase64(""), "");
  // base64.encodebytes (XML-RPC's Binary) wraps lines.
  EXPECT_EQ(DecodeBinaryBase64("QUJD\nREVG\r\n"), "ABCDEF");
  EXPECT_EQ(DecodeBinaryBase64(" QUI= "), "AB");
}

TEST(BinaryField, RefusesAnythingElse) {
  for (const char* bad :
       {"QQ", "QUJ", "Q", "Q===", "====", "==", "QQ=A", "QQ==QQ==", "QU!D", "QUJD-_==", "QUJD\x01",
        "12.50 Kb", "data:image/png;base64,QUJD", "QUJD=", "QU=D"}) {
    EXPECT_FALSE(DecodeBinaryBase64(bad)) << bad;
    EXPECT_FALSE(DecodedBinarySize(bad)) << bad;
  }
}

TEST(BinaryField, EncodeDecodeRoundTripOfEveryLength) {
  std::string bytes;
  for (int length = 0; length < 300; ++length) {
    const std::string encoded = EncodeBinaryBase64(bytes);
    EXPECT_EQ(encoded.size() % 4, 0u);
    EXPECT_EQ(DecodeBinaryBase64(encoded), bytes) << length;
    EXPECT_EQ(DecodedBinarySize(encoded), bytes.size()) << length;
    bytes.push_back(static_cast<char>(length * 37 + 11));
  }
  EXPECT_EQ(EncodeBinaryBase64(std::string("\0\xff", 2)), "AP8=");
}

}  // namespace
}  // namespace citadel::orm
