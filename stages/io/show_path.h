// Paths and messages made safe to print on a terminal: a file name can hold
// escape codes ("\x1b[2J" clears the screen) or newlines that would forge a
// line of output. Every message that names a path prints it through ShowPath.
//   "a\x1b[31m.jsonl" (with a real ESC byte)  ->  a\x1b[31m.jsonl (four characters "\x1b")
#pragma once

#include <string>
#include <string_view>

namespace sluice {

// `path` with C0 controls, DEL, C1 controls (U+0080..U+009F) and bytes that
// are not UTF-8 written as \xHH (a backslash followed by two hex digits);
// everything else, other scripts included, unchanged.
std::string ShowPath(std::string_view path);

// The same for a whole message, but its own newlines and tabs stay.
std::string ShowText(std::string_view message);

// "cannot open <what> 'PATH': No such file or directory": the path shown with
// ShowPath and the OS reason of `errno_value` (strerror). Call it with errno
// right after the open that failed.
std::string CannotOpenMessage(std::string_view what, std::string_view path, int errno_value);

}  // namespace sluice
