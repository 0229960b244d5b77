// Text that goes into the HTML report: every string that comes from a user's file (ids, paths, notes,
// column names) passes through one of these before it reaches a page, so it is shown, never interpreted.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace psyface::report {

// ensures: text with & < > " ' replaced by their character references; safe in element content and in
//          single- or double-quoted attribute values.
std::string html_escape(std::string_view text);

// ensures: the JSON text of `value` for a <script type="application/json"> block or a script literal:
//          "<", ">", "&" and U+2028/U+2029 written as \u escapes, so no "</script>" or "<!--" can end or
//          change the block whatever the strings hold.
std::string script_json(const nlohmann::json& value);

}  // namespace psyface::report
