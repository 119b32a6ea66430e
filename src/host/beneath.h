// Paths below a folder, opened so that they never lead out of it: each
// component is opened relative to its parent's descriptor with O_NOFOLLOW,
// so neither "..", an absolute path nor a symbolic link (even one swapped in
// while we run) can reach outside. Used for a host folder a guest sees as
// a disk (block/fat_folder.h).
#pragma once

#include <string>
#include <utility>

namespace pxos {

// True for a name that may be one path component: not empty, ".", "..",
// and without '/' or NUL.
bool plain_component(const std::string& name);

// The descriptor of directory `rel` ('/'-separated plain components, "" for
// the folder itself) below the directory `root_fd`, or -1 (errno set).
int open_dir_beneath(int root_fd, const std::string& rel);

// Opens file `rel` below `root_fd` with `flags` (O_NOFOLLOW is added);
// -1 (errno set) when a component is not plain, is a link, or fails.
int open_beneath(int root_fd, const std::string& rel, int flags, int mode = 0);

// Splits `rel` into its parent ("" for the top) and last component.
std::pair<std::string, std::string> split_parent(const std::string& rel);

}  // namespace pxos
