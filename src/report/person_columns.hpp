// Adds the person_id and role columns (after face_id) to a frames.csv written during the pass, once
// identity clustering and role assignment are known at the end of the session. Streams line by line.
#pragma once
#include <filesystem>
#include <functional>
#include <string>

namespace psyface::report {

struct PersonLabel {
  int person_id = -1;
  std::string role = "unknown";
};

// requires: in is a frames.csv (header starts "frame,face_id,"). label(track_id) gives each track's
// person and role; rows with face_id -1 get person_id -1 and role NA.
// ensures: out written atomically with columns frame, face_id, person_id, role, then the rest.
// throws Error(Input) for a malformed input (file:line), Error(Output) when out cannot be written.
void add_person_columns(const std::filesystem::path& in, const std::filesystem::path& out,
                        const std::function<PersonLabel(int track_id)>& label);

}  // namespace psyface::report
