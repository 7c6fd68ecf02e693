// The browser-facing parsers of issue 6 on arbitrary bytes: form bodies
// (web/form_body.hpp), reset tokens from links (auth/reset_token.hpp) and
// the template loader's refusal of raw output (web/page_template.hpp).
// Invariants: nothing crashes or hangs; a token that parses names a positive
// uid and expiry and never verifies without its MAC; a template that loads
// never writes a value unescaped.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/reset_token.hpp"
#include "web/form_body.hpp"
#include "web/page_template.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace citadel;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto form = web::FormFields::Parse(text)) {
    if (form->Get("csrf_token").size() > web::kMaxFormValueBytes) std::abort();
  }

  static const auth::ResetTokenSigner signer(std::string(32, 'k'));
  if (auto claims = auth::ResetTokenSigner::Parse(text)) {
    if (claims->uid <= 0 || claims->expires_unix <= 0) std::abort();
    // Not issued by this key: the MAC cannot match (2^-256).
    if (signer.Verify(text, "acme", "fingerprint", 0)) std::abort();
  }

  if (auto page = web::PageTemplate::Load("fuzz.html", text)) {
    static constexpr std::string_view kMarker = "<zz'\"&>";
    if (text.find(kMarker) == std::string_view::npos) {
      web::PageValues values;
      for (const char* name : {"a", "b", "x", "error", "login", "items"}) values.Set(name, kMarker);
      std::string html;
      try {
        html = page->Render(values);
      } catch (const std::exception&) {
        return 0;
      }
      if (html.find(kMarker) != std::string::npos) std::abort();
    }
  }
  return 0;
}
