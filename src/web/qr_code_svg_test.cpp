#include "web/qr_code_svg.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace citadel::web {
namespace {

TEST(QrCodeSvg, IsAnSvgOfSquaresOnly) {
  const std::string uri =
      "otpauth://totp/Citadel%20acme:ann%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Citadel";
  auto svg = QrCodeSvg(uri);
  ASSERT_TRUE(svg);
  const std::string& html = svg->html();
  EXPECT_TRUE(html.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
  EXPECT_TRUE(html.ends_with("\"/></svg>"));
  // Nothing of the text reaches the markup: the path is moves and unit squares.
  EXPECT_EQ(html.find("otpauth"), std::string::npos);
  EXPECT_EQ(html.find("GEZD"), std::string::npos);
  const auto d = html.find(" d=\"");
  ASSERT_NE(d, std::string::npos);
  const std::string path = html.substr(d + 4, html.size() - d - 4 - std::string("\"/></svg>").size());
  EXPECT_TRUE(std::regex_match(path, std::regex("(M[0-9]+ [0-9]+h1v1h-1z)+"))) << path.substr(0, 80);
  // Version 1 is 21 modules; this text needs more, plus 8 of quiet zone.
  EXPECT_EQ(QrCodeSvg(uri)->html(), html);  // deterministic
}

TEST(QrCodeSvg, RefusesWhatItCannotEncode) {
  EXPECT_FALSE(QrCodeSvg(""));
  EXPECT_FALSE(QrCodeSvg(std::string(kMaxQrTextBytes + 1, 'a')));
  EXPECT_FALSE(QrCodeSvg(std::string("a\0b", 3)));
  EXPECT_TRUE(QrCodeSvg(std::string(kMaxQrTextBytes, 'a')));
}

}  // namespace
}  // namespace citadel::web
