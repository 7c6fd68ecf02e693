#include "orm/testing/domain_describe.hpp"

namespace citadel::orm::testing {

std::string Describe(const DomainNode& node) {
  using Kind = DomainNode::Kind;
  switch (node.kind) {
    case Kind::kTrue: return "TRUE";
    case Kind::kFalse: return "FALSE";
    case Kind::kNot: return "!(" + Describe(node.children.front()) + ")";
    case Kind::kAnd:
    case Kind::kOr: {
      std::string text = node.kind == Kind::kAnd ? "&(" : "|(";
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) text += ", ";
        text += Describe(node.children[i]);
      }
      return text + ")";
    }
    case Kind::kCondition: break;
  }
  std::string text = node.field->name() + " " + std::string(DomainOperatorName(node.op)) + " ";
  if (node.subdomain) return text + "(" + Describe(*node.subdomain) + ")";
  return text + node.value.dump();
}

}  // namespace citadel::orm::testing
