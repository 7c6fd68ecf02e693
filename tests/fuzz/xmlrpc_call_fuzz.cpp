// XML-RPC requests arrive from anyone on the Internet: parsing must never
// crash, leak, or hang, and whatever it accepts must serialise back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rpc/xmlrpc_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto call = citadel::rpc::ParseXmlRpcCall(body);
  if (call) (void)citadel::rpc::SerializeXmlRpcResponse(call->params);
  return 0;
}
