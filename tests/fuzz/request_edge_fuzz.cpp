// Attacks the edge's pure request handling: the request target split, the
// Host header behind a redirect, and X-Forwarded-For resolution. Invariants: a
// redirect always goes to https:// and never carries CR, LF, spaces or '<';
// a split path never holds "." or ".." segments.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/forwarded_for.hpp"
#include "http/redirect_location.hpp"
#include "http/request_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto cut = input.find('\n');
  std::string_view first = input.substr(0, cut);
  std::string_view second = cut == std::string_view::npos ? std::string_view() : input.substr(cut + 1);

  if (auto split = citadel::http::SplitRequestTarget(first)) {
    std::string path = "/" + split->path + "/";
    if (path.find("/./") != std::string::npos || path.find("/../") != std::string::npos) std::abort();
  }
  std::string location = citadel::http::BuildRedirectLocation(second, "/", 8443, "localhost");
  if (location.rfind("https://", 0) != 0) std::abort();
  if (location.find_first_of("\r\n <\"") != std::string::npos) std::abort();

  std::vector<std::string_view> hops;
  std::size_t start = 0;
  while (start <= second.size() && hops.size() < 64) {
    auto comma = second.find(',', start);
    hops.push_back(second.substr(start, comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  auto peer = *citadel::core::IpAddress::Parse("10.0.0.1");
  auto trusted = *citadel::core::IpNetwork::Parse("10.0.0.0/8");
  (void)citadel::http::ResolveClientIp(peer, hops, {trusted});
  return 0;
}
