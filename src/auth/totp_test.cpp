#include "auth/totp.hpp"

#include <gtest/gtest.h>

namespace citadel::auth {
namespace {

// RFC 6238 appendix B: the SHA-1 seed is the ASCII "12345678901234567890".
const std::string kRfcSeed = "12345678901234567890";

TEST(Totp, Rfc6238Sha1Vectors) {
  const struct {
    std::int64_t time;
    const char* code;
  } vectors[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
                 {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& v : vectors) {
    EXPECT_EQ(TotpCode(kRfcSeed, TotpStepAt(v.time), 8), v.code) << v.time;
    // The 6-digit code is the same number modulo 10^6.
    EXPECT_EQ(TotpCode(kRfcSeed, TotpStepAt(v.time)), std::string(v.code).substr(2)) << v.time;
  }
}

TEST(Totp, Rfc4226HotpVectors) {
  // RFC 4226 appendix D, counters 0..9 (the same seed).
  const char* codes[] = {"755224", "287082", "359152", "969429", "338314",
                         "254676", "287922", "162583", "399871", "520489"};
  for (int counter = 0; counter < 10; ++counter) EXPECT_EQ(TotpCode(kRfcSeed, counter), codes[counter]);
}

TEST(Totp, VerifyAcceptsTheWindowAndReturnsTheStep) {
  const std::int64_t now = 1111111111;
  const std::int64_t step = TotpStepAt(now);
  EXPECT_EQ(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, step), now), step);
  EXPECT_EQ(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, step - 1), now), step - 1);
  EXPECT_EQ(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, step + 1), now), step + 1);
  EXPECT_FALSE(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, step - 2), now));
  EXPECT_FALSE(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, step + 2), now));
  EXPECT_FALSE(VerifyTotp("another secret", TotpCode(kRfcSeed, step), now));
}

TEST(Totp, VerifyRefusesAReplayedStep) {
  const std::int64_t now = 1234567890;
  const std::int64_t step = TotpStepAt(now);
  const std::string code = TotpCode(kRfcSeed, step);
  EXPECT_FALSE(VerifyTotp(kRfcSeed, code, now, step));
  EXPECT_FALSE(VerifyTotp(kRfcSeed, code, now + 30, step));
  // An earlier code is refused once a later one was used.
  EXPECT_FALSE(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, step - 1), now, step));
  EXPECT_EQ(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, step + 1), now, step), step + 1);
}

TEST(Totp, VerifyRefusesMalformedCodes) {
  const std::int64_t now = 1234567890;
  const std::string code = TotpCode(kRfcSeed, TotpStepAt(now));
  for (const std::string& bad : {std::string(), code.substr(1), code + "0", " " + code.substr(1),
                                 std::string("12345a"), std::string(10000, '1'), std::string("-12345")}) {
    EXPECT_FALSE(VerifyTotp(kRfcSeed, bad, now)) << bad;
  }
}

TEST(Base32, Rfc4648Vectors) {
  const struct {
    const char* plain;
    const char* encoded;
  } vectors[] = {{"", ""},
                 {"f", "MY======"},
                 {"fo", "MZXQ===="},
                 {"foo", "MZXW6==="},
                 {"foob", "MZXW6YQ="},
                 {"fooba", "MZXW6YTB"},
                 {"foobar", "MZXW6YTBOI======"}};
  for (const auto& v : vectors) {
    EXPECT_EQ(Base32Encode(v.plain), v.encoded);
    EXPECT_EQ(Base32Decode(v.encoded), std::string(v.plain));
    std::string unpadded = v.encoded;
    unpadded.erase(unpadded.find_last_not_of('=') + 1);
    EXPECT_EQ(Base32Encode(v.plain, false), unpadded);
    EXPECT_EQ(Base32Decode(unpadded), std::string(v.plain));
  }
  EXPECT_EQ(Base32Decode("mzxw6ytboi"), std::string("foobar"));
}

TEST(Base32, RoundTripsEveryByteAndRefusesJunk) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(Base32Decode(Base32Encode(all)), all);
  for (const char* bad : {"M", "MZX", "MZXW6Y", "MY=", "MY=======", "MZ======", "M1======", "MY== ====",
                          "========", "MZXW6YTB========"}) {
    EXPECT_FALSE(Base32Decode(bad)) << bad;
  }
}

TEST(Totp, NewSecretsAre160RandomBits) {
  const std::string a = NewTotpSecret();
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, NewTotpSecret());
  EXPECT_EQ(Base32Encode(a, false).size(), 32u);
}

TEST(Totp, UriPercentEncodesIssuerAndAccount) {
  EXPECT_EQ(TotpUri("Citadel acme", "ann@example.com", "12345678901234567890"),
            "otpauth://totp/Citadel%20acme:ann%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=Citadel%20acme&algorithm=SHA1&digits=6&period=30");
  // A colon, ampersand or slash in a name cannot break out of its part.
  const std::string uri = TotpUri("a:b&c", "x/y?z=1#", "k");
  EXPECT_EQ(uri.substr(0, uri.find('?')), "otpauth://totp/a%3Ab%26c:x%2Fy%3Fz%3D1%23");
}

}  // namespace
}  // namespace citadel::auth
