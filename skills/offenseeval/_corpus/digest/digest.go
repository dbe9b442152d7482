// Package digest fingerprints blobs.
package digest

import "crypto/sha256"

// Sum returns the SHA-256 of blob hashed rounds times over.
func Sum(blob []byte, rounds int) [32]byte {
	sum := sha256.Sum256(blob)
	for range rounds - 1 {
		sum = sha256.Sum256(sum[:])
	}
	return sum
}
