#include "web/qr_code_svg.hpp"

#include <qrencode.h>

#include <memory>
#include <string>

namespace citadel::web {
namespace {

// The quiet zone the QR standard asks for around the code, in modules.
constexpr int kQuietModules = 4;
// Pixels per module in the rendered size (the SVG scales; this is its default).
constexpr int kPixelsPerModule = 5;

struct QrCodeDeleter {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

}  // namespace

std::optional<SanitizedHtml> QrCodeSvg(std::string_view text) {
  if (text.empty() || text.size() > kMaxQrTextBytes) return std::nullopt;
  const std::string copy(text);  // libqrencode wants a NUL-terminated string
  if (copy.find('\0') != std::string::npos) return std::nullopt;
  std::unique_ptr<QRcode, QrCodeDeleter> code(QRcode_encodeString(copy.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!code) return std::nullopt;
  const int width = code->width;
  const int side = width + 2 * kQuietModules;
  const std::string side_text = std::to_string(side);
  const std::string pixels = std::to_string(side * kPixelsPerModule);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + side_text + " " + side_text +
                    "\" width=\"" + pixels + "\" height=\"" + pixels +
                    "\" role=\"img\" aria-label=\"QR code\" shape-rendering=\"crispEdges\">"
                    "<rect width=\"" + side_text + "\" height=\"" + side_text + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  // One unit square per dark module (bit 0 of each byte is "black").
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) {
      if ((code->data[y * width + x] & 1) == 0) continue;
      svg += "M" + std::to_string(x + kQuietModules) + " " + std::to_string(y + kQuietModules) + "h1v1h-1z";
    }
  }
  svg += "\"/></svg>";
  return SanitizedHtml(std::move(svg));
}

}  // namespace citadel::web
