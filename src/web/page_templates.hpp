// PageTemplates: every page template of the web layer, compiled into the
// binary from src/web/templates/ (CMake embeds the files, as modules embed
// theirs: no path is looked up at run time) and checked when loaded, at
// start: a template using a refused form (page_template.hpp) stops the
// server from starting, and web_test proves the shipped set loads.
//
// Immutable once loaded; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "web/page_template.hpp"

namespace citadel::web {

class PageTemplates {
 public:
  // Loads the embedded set (file name -> text).
  static core::Result<PageTemplates> LoadEmbedded();
  // Loads a given set (tests).
  static core::Result<PageTemplates> Load(const std::map<std::string, std::string>& files);

  // The template of that file name ("login.html"); std::out_of_range for a
  // name that is not shipped (a bug).
  const PageTemplate& Get(std::string_view name) const;

 private:
  std::map<std::string, PageTemplate, std::less<>> templates_;
};

}  // namespace citadel::web
