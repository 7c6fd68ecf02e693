#include "modules/base/reference_data.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace citadel::modules::base {
namespace {

using core::ErrorCode;
using core::Fail;
using orm::DataRecord;
using orm::Value;

// Odoo 18's countries with states (odoo/addons/base/data/res.country.state.csv),
// by ISO alpha-2 code.
const std::set<std::string>& CountriesWithStates() {
  static const std::set<std::string> codes = {
      "ae", "ar", "au", "be", "br", "ca", "ch", "cl", "cn", "co", "cr", "de", "do",
      "ec", "ee", "eg", "es", "et", "fi", "gb", "gt", "hk", "id", "ie", "in", "it",
      "jo", "jp", "ke", "kr", "lt", "lv", "mn", "mx", "my", "nl", "no", "nz", "pe",
      "pt", "ro", "ru", "sa", "se", "th", "tr", "us", "uy", "vn", "za"};
  return codes;
}

// Where ISO's top level groups the units Odoo lists: take the leaves.
const std::set<std::string>& CountriesWithNestedStates() {
  static const std::set<std::string> codes = {"be", "es", "it", "ie", "id", "do", "gb"};
  return codes;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Odoo's xml id of a country: its code in lower case, but base.uk for GB.
std::string CountryXmlId(const std::string& alpha2) {
  const std::string code = Lower(alpha2);
  return "base." + (code == "gb" ? std::string("uk") : code);
}

core::Result<Value> ReadJson(const std::string& directory, const std::string& file,
                             const char* key) {
  const std::string path = directory + "/" + file;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(ErrorCode::kNotFound, "base: cannot read " + path +
                                          " (reference data for countries, states and "
                                          "currencies); install the Debian package iso-codes");
  }
  std::stringstream text;
  text << in.rdbuf();
  Value json = Value::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object() || !json.contains(key) || !json[key].is_array()) {
    return Fail(ErrorCode::kInvalidArgument,
                "base: " + path + " is not iso-codes' JSON (no \"" + key + "\" list)");
  }
  return json[key];
}

std::string EntryText(const Value& entry, const char* key) {
  auto it = entry.find(key);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
}

DataRecord Record(std::string xml_id, std::string model, Value values) {
  DataRecord record;
  record.xml_id = std::move(xml_id);
  record.model = std::move(model);
  record.noupdate = true;  // Odoo's reference data is noupdate: edits by users survive upgrades
  record.values = std::move(values);
  return record;
}

core::Result<void> AddCurrencies(const Value& currencies, std::vector<DataRecord>& out) {
  for (const auto& entry : currencies) {
    const std::string code = EntryText(entry, "alpha_3");
    if (code.size() != 3) return Fail(ErrorCode::kInvalidArgument, "base: a currency without code");
    Value values = {{"name", code}, {"full_name", EntryText(entry, "name")}, {"symbol", code},
                    {"rounding", 0.01}, {"decimal_places", 2}, {"active", false}};
    if (const std::string numeric = EntryText(entry, "numeric"); !numeric.empty()) {
      values["iso_numeric"] = std::stoi(numeric);
    }
    // A new Odoo database shows these two active, with their signs.
    if (code == "USD") {
      values["active"] = true;
      values["symbol"] = "$";
      values["position"] = "before";
    } else if (code == "EUR") {
      values["active"] = true;
      values["symbol"] = "€";
    }
    out.push_back(Record("base." + code, "res.currency", std::move(values)));
  }
  return {};
}

core::Result<void> AddCountries(const Value& countries, std::vector<DataRecord>& out) {
  for (const auto& entry : countries) {
    const std::string code = EntryText(entry, "alpha_2");
    if (code.size() != 2) return Fail(ErrorCode::kInvalidArgument, "base: a country without code");
    std::string name = EntryText(entry, "common_name");
    if (name.empty()) name = EntryText(entry, "name");
    out.push_back(Record(CountryXmlId(code), "res.country", {{"name", name}, {"code", code}}));
  }
  return {};
}

std::string XmlIdPart(const std::string& code) {
  std::string part = Lower(code);
  for (char& c : part) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return part;
}

core::Result<void> AddStates(const Value& subdivisions, std::vector<DataRecord>& out) {
  // "BE-VLG" is the parent of "BE-VAN" (entries name their parent without
  // the country prefix).
  std::set<std::string> parents;
  for (const auto& entry : subdivisions) {
    const std::string code = EntryText(entry, "code");
    if (const std::string parent = EntryText(entry, "parent"); !parent.empty() && code.size() > 3) {
      parents.insert(code.substr(0, 3) + parent);
    }
  }
  for (const auto& entry : subdivisions) {
    const std::string code = EntryText(entry, "code");
    const auto dash = code.find('-');
    if (dash != 2) return Fail(ErrorCode::kInvalidArgument, "base: a subdivision without code");
    const std::string country = Lower(code.substr(0, 2));
    if (!CountriesWithStates().count(country)) continue;
    const bool nested = CountriesWithNestedStates().count(country) > 0;
    if (nested ? parents.count(code) > 0 : !EntryText(entry, "parent").empty()) continue;
    const std::string local = code.substr(3);
    const std::string country_id = CountryXmlId(code.substr(0, 2));
    out.push_back(Record("base.state_" + country_id.substr(5) + "_" + XmlIdPart(local),
                         "res.country.state",
                         {{"name", EntryText(entry, "name")},
                          {"code", local},
                          {"country_id", {{"ref", country_id}}}}));
  }
  return {};
}

}  // namespace

core::Result<std::vector<DataRecord>> IsoCodesData(const std::string& directory) {
  auto currencies = ReadJson(directory, "iso_4217.json", "4217");
  if (!currencies) return core::Unexpected(currencies.error());
  auto countries = ReadJson(directory, "iso_3166-1.json", "3166-1");
  if (!countries) return core::Unexpected(countries.error());
  auto subdivisions = ReadJson(directory, "iso_3166-2.json", "3166-2");
  if (!subdivisions) return core::Unexpected(subdivisions.error());
  std::vector<DataRecord> records;
  for (auto step : {AddCurrencies(*currencies, records), AddCountries(*countries, records),
                    AddStates(*subdivisions, records)}) {
    if (!step) return core::Unexpected(step.error());
  }
  return records;
}

}  // namespace citadel::modules::base
