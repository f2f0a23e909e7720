"""Reference XXH64 (seed 0) values for FingerprintVectorTests, from the xxhash package
(the xxHash project's own C implementation). Run: python3 -m venv v && v/bin/pip install xxhash
&& v/bin/python make_xxh64_vectors.py > xxh64_vectors.txt

Each line: the input length, then the hash in hex. Input bytes: byte i is (i * 31 + 7) % 251."""
import xxhash

for n in list(range(0, 80)) + [127, 128, 129, 1000, 4096 + 13, 100_003]:
    data = bytes((i * 31 + 7) % 251 for i in range(n))
    print(n, format(xxhash.xxh64(data, seed=0).intdigest(), "016x"))
