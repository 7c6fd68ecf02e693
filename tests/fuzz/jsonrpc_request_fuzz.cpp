// JSON-RPC bodies arrive from anyone on the Internet: parsing must never
// crash, leak, or hang past its limits, and whatever it accepts (the id and
// params it keeps) must serialise back, since the server echoes the id in its
// answer. The small limits let the fuzzer reach the depth, count, string and
// key refusals without megabyte inputs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rpc/jsonrpc_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  static const citadel::rpc::JsonRpcLimits kSmall{
      .max_body_bytes = 1 << 20, .max_depth = 16, .max_values = 2000,
      .max_string_bytes = 16, .max_key_bytes = 6};
  for (const auto& limits : {citadel::rpc::JsonRpcLimits{}, kSmall}) {
    auto request = citadel::rpc::ParseJsonRpcRequest(body, limits);
    if (request) (void)citadel::rpc::SerializeJsonRpcResult(request->id, request->params);
  }
  return 0;
}
