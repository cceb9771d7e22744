import Crypto
import Foundation
import VisageCore

/// The text of an API key and what is stored of it.
///
/// A key reads `vsk_<id>_<secret>`: the prefix makes a leaked key recognisable to secret
/// scanners, the 12-character id is public (it is how a key is listed and revoked, and how the
/// server finds its row without scanning), and the 52-character secret carries 260 random bits.
/// Only the SHA-256 of the whole key is stored. A slow password hash would add nothing: it
/// protects guessable secrets, and these are random and far beyond brute force, while a fast
/// hash keeps every request's check in microseconds.
public enum KeyMaterial {
    public static let prefix = "vsk_"
    /// A web UI session's cookie: the same shape under its own prefix, so a cookie is never taken
    /// for a key or a key for a cookie.
    public static let sessionPrefix = "vss_"
    public static let idLength = 12
    public static let secretLength = 52
    /// RFC 4648's base32 alphabet in lower case: 5 bits per character, no look-alikes to mistype
    /// except those the alphabet already avoids (0, 1, 8, 9).
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")

    /// A new key (or, with `sessionPrefix`, a session cookie): its public id and the full text to
    /// hand out once.
    public static func generate(prefix: String = prefix) -> (id: String, key: String) {
        // SystemRandomNumberGenerator reads the kernel's CSPRNG (getrandom / arc4random).
        var generator = SystemRandomNumberGenerator()
        func random(_ count: Int) -> String {
            String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt8(alphabet.count)))] })
        }
        let id = random(idLength)
        return (id, "\(prefix)\(id)_\(random(secretLength))")
    }

    /// The id of a well-formed key, or nil for anything else (checked before any lookup, so
    /// garbage never reaches the store).
    public static func id(of key: String, prefix: String = prefix) -> String? {
        let characters = Array(key)
        guard characters.count == prefix.count + idLength + 1 + secretLength, key.hasPrefix(prefix),
            characters[prefix.count + idLength] == "_"
        else { return nil }
        let id = characters[prefix.count..<(prefix.count + idLength)]
        let secret = characters[(prefix.count + idLength + 1)...]
        guard id.allSatisfy({ alphabet.contains($0) }), secret.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return String(id)
    }

    /// The stored form of a key: SHA-256, lower-case hex.
    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `key` hashes to `storedHash`, comparing every byte whatever the first difference,
    /// so the time taken says nothing about how much of a guess was right.
    public static func matches(_ key: String, storedHash: String) -> Bool {
        let computed = Array(hash(key).utf8), stored = Array(storedHash.utf8)
        guard computed.count == stored.count else { return false }
        var difference: UInt8 = 0
        for index in computed.indices { difference |= computed[index] ^ stored[index] }
        return difference == 0
    }
}
