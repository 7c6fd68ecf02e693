// ParseOrder: order strings from clients ("name desc, id") become validated
// OrderTerms; nothing of the text reaches SQL except through a Field.
#include <cctype>
#include <sstream>
#include <vector>

#include "orm/errors.hpp"
#include "orm/registry.hpp"

namespace citadel::orm {
namespace {

constexpr std::size_t kMaxOrderLength = 1024;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::vector<OrderTerm> ParseOrder(const Model& model, std::string_view order) {
  if (order.size() > kMaxOrderLength) throw ValidationError("Invalid order: too long");
  std::vector<OrderTerm> terms;
  std::size_t start = 0;
  while (start <= order.size()) {
    auto comma = order.find(',', start);
    std::string_view text = order.substr(start, comma == std::string_view::npos ? order.npos : comma - start);
    std::istringstream words{std::string(text)};
    std::vector<std::string> parts;
    for (std::string w; words >> w;) parts.push_back(w);
    if (parts.empty()) {
      if (comma == std::string_view::npos && terms.empty() && text.find_first_not_of(" \t") == text.npos) {
        break;  // an empty order string
      }
      throw ValidationError("Invalid order: empty term in \"" + std::string(order) + "\"");
    }
    OrderTerm term;
    term.field = model.FindField(parts[0]);
    if (!term.field || !term.field->stored()) {
      throw ValidationError("Invalid order term \"" + std::string(text) + "\" on model " + model.name() +
                            ": no such stored field");
    }
    if (term.field->type() == FieldType::kBinary) {  // its column holds a file store reference
      throw ValidationError("Invalid order term \"" + std::string(text) + "\" on model " + model.name() +
                            ": binary fields cannot be sorted");
    }
    std::size_t i = 1;
    if (i < parts.size()) {
      std::string dir = Lower(parts[i]);
      if (dir == "asc" || dir == "desc") {
        term.descending = dir == "desc";
        ++i;
      }
    }
    if (i + 1 < parts.size() + 0 && Lower(parts[i]) == "nulls") {
      std::string where = Lower(parts[i + 1]);
      if (where == "first") term.nulls = OrderTerm::Nulls::kFirst;
      else if (where == "last") term.nulls = OrderTerm::Nulls::kLast;
      else throw ValidationError("Invalid order term \"" + std::string(text) + "\"");
      i += 2;
    }
    if (i != parts.size()) throw ValidationError("Invalid order term \"" + std::string(text) + "\"");
    terms.push_back(term);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return terms;
}

}  // namespace citadel::orm
