// GPT-2's reversible byte <-> character map ("bytes_to_unicode"), used to write
// byte-level BPE tokens as printable strings in vocab.json / tokenizer.json:
// printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100...
// in byte order (space -> "Ġ" U+0120, newline -> "Ċ" U+010A). Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::tokenizer {

// The code point byte `b` is written as.
uint32_t ByteToCodePoint(uint8_t b);
// The byte written as code point `cp`, or -1 when `cp` is not one of the 256.
int CodePointToByte(uint32_t cp);

// "a b\n" -> "aĠbĊ" (UTF-8). Appends to *out.
void AppendByteLevel(std::string_view bytes, std::string* out);
std::string ToByteLevel(std::string_view bytes);
// Inverse of ToByteLevel. Returns false (and leaves *bytes partial) when `text`
// is not valid UTF-8 or holds a character outside the 256 mapped ones.
bool FromByteLevel(std::string_view text, std::string* bytes);

}  // namespace sluice::tokenizer
