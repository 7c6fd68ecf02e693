// XML-RPC requests arrive from anyone on the Internet: parsing must never
// crash, leak, or hang, and whatever it accepts must serialise back. The
// small limits let the fuzzer reach the depth, count, string and name
// refusals without megabyte inputs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rpc/xmlrpc_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  static const citadel::rpc::XmlRpcLimits kSmall{
      .max_body_bytes = 1 << 20, .max_depth = 4, .max_values = 64,
      .max_string_bytes = 16, .max_name_bytes = 4};
  for (const auto& limits : {citadel::rpc::XmlRpcLimits{}, kSmall}) {
    auto call = citadel::rpc::ParseXmlRpcCall(body, limits);
    if (call) (void)citadel::rpc::SerializeXmlRpcResponse(call->params);
  }
  return 0;
}
