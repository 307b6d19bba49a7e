import Foundation

/// Turns a file's bytes into text, or refuses them with a message that says what was seen and how to
/// re-export. Only UTF-8 is read (with or without byte-order mark); nothing is ever guessed or repaired,
/// so no mojibake and no U+FFFD can reach a value.
enum TextDecoding {
    /// How to fix an encoding problem, per kind of file and per encoding seen (`iconv`'s name for it).
    static func advice(csv: Bool, from encoding: String) -> String {
        csv
            ? "re-export it as 'CSV UTF-8 (comma-separated)', or convert it, e.g. `iconv -f \(encoding) -t UTF-8`"
            : "save it as UTF-8, e.g. `iconv -f \(encoding) -t UTF-8`"
    }

    /// The text of `data`, or the diagnostic explaining why it is refused.
    static func decode(
        _ data: Data, file: String, category: DiagnosticCategory, csv: Bool
    ) -> Result<String, ScenarioError> {
        let bytes = [UInt8](data)
        func refuse(_ offset: Int?, _ message: String) -> Result<String, ScenarioError> {
            guard let offset else {
                return .failure(ScenarioError([Diagnostic(category, SourceLocation(file: file), message)]))
            }
            let (line, column) = position(of: offset, in: bytes)
            return .failure(
                ScenarioError([Diagnostic(category, SourceLocation(file: file, line: line, column: column), message)]))
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let order = bytes[0] == 0xFF ? "FF FE, little-endian" : "FE FF, big-endian"
            return refuse(
                nil,
                "the file is UTF-16 (it starts with the byte-order mark \(order)); only UTF-8 is read: \(advice(csv: csv, from: "UTF-16"))"
            )
        }
        if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            return refuse(
                nil,
                "the file is UTF-32 (byte-order mark 00 00 FE FF); only UTF-8 is read: \(advice(csv: csv, from: "UTF-32"))"
            )
        }
        if let nul = bytes.firstIndex(of: 0) {
            let nuls = bytes.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
            let looksUTF16 = nuls * 4 >= bytes.count
            return refuse(
                nul,
                "NUL byte at byte offset \(nul) (\(nuls) in the file): "
                    + (looksUTF16
                        ? "the file looks like UTF-16 without byte-order mark; only UTF-8 is read: \(advice(csv: csv, from: "UTF-16"))"
                        : "this is not a text file, or it is damaged"))
        }
        if let bad = firstInvalidUTF8(bytes) {
            let byte = bytes[bad]
            let hex = "0x" + String(byte, radix: 16, uppercase: true)
            let meaning = byte >= 0xA0 ? ", which is '\(Character(Unicode.Scalar(byte)))' in Windows-1252/Latin-1" : ""
            return refuse(
                bad,
                "byte \(hex) at byte offset \(bad) is not valid UTF-8\(meaning): the file looks like Windows-1252 or Latin-1 "
                    + "(a spreadsheet's plain 'CSV' export); only UTF-8 is read: \(advice(csv: csv, from: "WINDOWS-1252"))"
            )
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        if let index = text.unicodeScalars.firstIndex(of: "\u{FFFD}") {
            let offset =
                text.utf8.distance(from: text.utf8.startIndex, to: index)
                + (bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0)
            return refuse(
                offset,
                "the file holds U+FFFD, the replacement character '\u{FFFD}': it was already decoded with the wrong encoding "
                    + "once, and the original characters are lost; export it again from the source")
        }
        return .success(text)
    }

    /// 1-based line and column (in characters) of a byte offset.
    static func position(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1, column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == 0x0A {
                line += 1; column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    /// Offset of the first byte that does not start a well-formed UTF-8 sequence (no overlongs, no
    /// surrogates, nothing above U+10FFFF), or nil when all of it is UTF-8.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard i + length <= n, (low...high).contains(bytes[i + 1]) else { return i }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }
}
