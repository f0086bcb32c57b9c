using System.Text;
using CsCheck;
using Strata.Server.Body;
using Strata.Testing;
using Xunit.Abstractions;

namespace Strata.Server.Auth.Tests.Fuzz;

/// <summary>
/// Properties of the aws-chunked decoder (Body/AwsChunkedStream.cs) over random payloads, chunk sizes, read
/// sizes and arrival patterns, and over mutated and arbitrary framing: it returns exactly the payload of a
/// valid body, refuses anything else only with a StrataException, never yields more than the declared length
/// or writes outside the caller's buffer, and stops reading an endless body.
/// </summary>
public sealed class AwsChunkedFuzz(ITestOutputHelper output)
{
    private const int Guard = 16;
    private const byte GuardByte = 0xA5;

    internal sealed record Case(ChunkedMode Mode, byte[] Payload, int[] ChunkSizes, ChecksumAlgorithm? Checksum, bool ChecksumInHeader,
        int KeySeed, int ReadSize, int Step, bool Sync)
    {
        public ChunkedBody Encode() => ChunkedBody.Encode(Mode, Payload, ChunkSizes, Mode == ChunkedMode.SignedTrailer ? Checksum ?? ChecksumAlgorithm.Crc32 : Checksum,
            ChecksumInHeader, KeySeed);

        public override string ToString() =>
            $"{Mode} payload={Payload.Length} chunks=[{string.Join(',', ChunkSizes)}] checksum={Checksum?.ToString() ?? "none"}{(ChecksumInHeader ? " (header)" : "")} read={ReadSize} step={Step} sync={Sync}";
    }

    private static readonly Gen<byte[]> Payloads = Gen.Frequency(
        (4, Gen.Byte.Array[0, 64]),
        (4, Gen.Byte.Array[0, 5000]),
        (1, Gen.Byte.Array[16_000, 70_000]));

    private static readonly Gen<ChecksumAlgorithm?> Checksums =
        Gen.OneOf<ChecksumAlgorithm?>(null, ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Crc64Nvme, ChecksumAlgorithm.Sha1, ChecksumAlgorithm.Sha256);

    private static readonly Gen<int> ReadSizes = Gen.Frequency((3, Gen.Int[1, 16]), (3, Gen.Int[1, 5000]), (2, Gen.Int[4096, 70_000]));

    private static readonly Gen<int> Steps = Gen.Frequency((2, Gen.Int[1, 8]), (3, Gen.Int[1, 20_000]), (2, Gen.Const(int.MaxValue)));

    internal static readonly Gen<Case> Cases = Gen.Select(
        Gen.Enum<ChunkedMode>(), Payloads, Gen.Frequency((3, Gen.Int[1, 64]), (3, Gen.Int[1, 9000]), (1, Gen.Int[8192, 70_000])).Array[1, 12],
        Checksums, Gen.Bool, Gen.Int, Gen.Select(ReadSizes, Steps, Gen.Bool),
        (mode, payload, sizes, checksum, inHeader, keySeed, reading) =>
            new Case(mode, payload, sizes, checksum, inHeader, keySeed, reading.Item1, reading.Item2, reading.Item3));

    /// <summary>The framing words a random byte would rarely produce.</summary>
    private static readonly byte[][] Tokens = [.. new[]
    {
        "\r\n", "\r", "\n", ";", "chunk-signature=", "0", "1", "f", "F", "ffffffffffffffff", "10000", ":", "\r\n\r\n", "0\r\n\r\n",
        "x-amz-checksum-crc32:", "x-amz-checksum-sha256:", "x-amz-trailer-signature:", " ", "\t", "=", "\0", "\u00ff",
    }.Select(Encoding.Latin1.GetBytes)];

    /// <summary>Reads the decoder to its end through a guarded buffer, checking each read's bounds.</summary>
    private static byte[] ReadAll(AwsChunkedStream stream, int readSize, bool sync, long declaredLength)
    {
        var result = new MemoryStream();
        var buffer = new byte[readSize + 2 * Guard];
        buffer.AsSpan().Fill(GuardByte);
        // Each read but the last yields at least one byte of payload, so this bounds the loop.
        for (long reads = 0; ; reads++)
        {
            Assert.True(reads <= declaredLength + 1, "the decoder kept returning data past the declared length");
            var n = sync
                ? stream.Read(buffer, Guard, readSize)
                : stream.ReadAsync(buffer.AsMemory(Guard, readSize)).AsTask().GetAwaiter().GetResult();
            Assert.InRange(n, 0, readSize);
            Assert.True(buffer.AsSpan(0, Guard).IndexOfAnyExcept(GuardByte) < 0 && buffer.AsSpan(Guard + readSize).IndexOfAnyExcept(GuardByte) < 0,
                "the decoder wrote outside the range it was given");
            if (n == 0) return result.ToArray();
            result.Write(buffer, Guard, n);
            Assert.True(result.Length <= declaredLength, $"the decoder yielded {result.Length} bytes, more than the declared {declaredLength}");
        }
    }

    [Fact]
    public void A_valid_body_decodes_to_exactly_its_payload_whatever_the_chunk_read_and_arrival_sizes() =>
        FuzzRun.Check("aws_chunked.roundtrip", Cases, c =>
        {
            var body = c.Encode();
            var inner = new FuzzBody(body.Encoded, c.Step);
            using var stream = body.Open(inner);

            Assert.Equal(c.Payload, ReadAll(stream, c.ReadSize, c.Sync, c.Payload.Length));
            Assert.Equal(body.Encoded.Length, inner.BytesRead);
            Assert.Equal(0, stream.Read(new byte[1], 0, 1));
            if (body.Checksum is { } algorithm)
            {
                using var expected = new PayloadChecksum(algorithm);
                expected.Append(c.Payload);
                Assert.Equal(expected.ComputeBase64(), stream.VerifiedChecksum?.Value);
            }
        }, output, print: c => c.ToString());

    [Fact]
    public void A_mutated_body_is_refused_with_a_StrataException_or_still_yields_its_signed_payload()
    {
        long accepted = 0;
        var executions = FuzzRun.Check("aws_chunked.mutated", Gen.Select(Cases, Mutations.Some, Gen.Int[-2, 2]), t =>
        {
            var (c, mutations, lengthDelta) = t;
            var body = c.Encode();
            var mutated = Mutation.Apply(body.Encoded, mutations, Tokens);
            var declared = Math.Max(0, c.Payload.Length + (lengthDelta is -2 or 2 ? lengthDelta : 0));
            using var stream = body.Open(new FuzzBody(mutated, c.Step), declared);
            byte[]? decoded = null;

            if (FuzzRun.RefusesOnlyWithStrataException(() => decoded = ReadAll(stream, c.ReadSize, c.Sync, declared)))
            {
                // Signed chunks, or a checksum, leave no way to change the payload and be accepted.
                if (c.Mode != ChunkedMode.UnsignedTrailer || body.Checksum is not null) Assert.Equal(c.Payload, decoded);
                Assert.Equal(declared, decoded!.Length);
                accepted++;
            }
        }, output, print: t => $"{t.Item1} mutations=[{string.Join(' ', t.Item2)}] declared{t.Item3:+0;-0;+0}");
        FuzzRun.Report("aws_chunked.mutated", output, ("executions", executions), ("accepted", accepted), ("refused", executions - accepted));
    }

    [Fact]
    public void Arbitrary_bytes_are_refused_with_a_StrataException_or_decoded_within_the_declared_length() =>
        FuzzRun.Check("aws_chunked.arbitrary",
            Gen.Select(Gen.Frequency((1, Gen.Byte.Array[0, 300]), (2, Gen.Byte[9, 127].Array[0, 300])), Gen.Enum<ChunkedMode>(), Checksums, Gen.Long[0, 400], ReadSizes, Steps, Gen.Bool),
            t =>
            {
                var (bytes, mode, checksum, declared, readSize, step, sync) = t;
                var body = ChunkedBody.Encode(mode, [], [1], checksum, checksumInHeader: false, keySeed: 1) with { Encoded = bytes };
                using var stream = body.Open(new FuzzBody(bytes, step), declared);
                FuzzRun.RefusesOnlyWithStrataException(() => ReadAll(stream, readSize, sync, declared));
            }, output);

    /// <summary>
    /// A body that never ends (a valid or mutated start, then a pattern repeated forever) must be refused after a
    /// bounded read: lines are capped at 4 KiB, chunk data at the declared length, trailers at 8 lines. The one
    /// exception is CR and LF after the final frame, which the decoder drains until the body ends.
    /// </summary>
    [Fact]
    public void An_endless_body_is_refused_after_a_bounded_read() =>
        FuzzRun.Check("aws_chunked.endless", Gen.Select(Cases, Mutations.One.Array[0, 3], Gen.Frequency((3, Gen.Byte.Array[1, 64]), (2, Gen.OneOf(Tokens).Array[1, 8].Select(t => t.SelectMany(b => b).ToArray()))), Gen.Int[0, 100]),
            t =>
            {
                var (c, mutations, pattern, keep) = t;
                var body = c.Encode();
                var start = Mutation.Apply(body.Encoded, mutations, Tokens);
                start = start[..(start.Length * keep / 100)];
                const long cap = 1 << 20;
                var inner = new FuzzBody(start, c.Step, pattern, cap);
                using var stream = body.Open(inner);

                FuzzRun.RefusesOnlyWithStrataException(() => ReadAll(stream, c.ReadSize, c.Sync, c.Payload.Length));

                // 4 KiB of header per byte of payload is the most framing a valid body can carry.
                var bound = 2L * 4096 * (c.Payload.Length + 2) + 16 * 1024 + start.Length;
                if (inner.BytesRead > bound && pattern.AsSpan().IndexOfAnyExcept("\r\n"u8) >= 0)
                {
                    Assert.Fail($"the decoder read {inner.BytesRead} bytes of an endless body (bound {bound}, cap reached: {inner.CapReached})");
                }
            }, output, iterations: Math.Max(200, FuzzRun.Iterations() / 4));

    /// <summary>The corpus (corpus/aws-chunked: the AWS documentation's bodies and edge cases), as is and mutated.</summary>
    [Fact]
    public void The_seed_corpus_and_its_mutations_decode_or_are_refused_with_a_StrataException()
    {
        var corpus = FuzzRun.Corpus("aws-chunked");
        FuzzRun.Check("aws_chunked.corpus", Gen.Select(Gen.Int[0, corpus.Count - 1], Mutations.One.Array[0, 4], Gen.Enum<ChunkedMode>(), ReadSizes, Steps),
            t =>
            {
                var (index, mutations, mode, readSize, step) = t;
                var bytes = Mutation.Apply(corpus[index], mutations, Tokens);
                var body = ChunkedBody.Encode(mode, [], [1], ChecksumAlgorithm.Crc32C, checksumInHeader: false, keySeed: 1) with { Encoded = bytes };
                using var stream = body.Open(new FuzzBody(bytes, step), 66560);
                FuzzRun.RefusesOnlyWithStrataException(() => ReadAll(stream, readSize, sync: false, 66560));
            }, output, iterations: Math.Max(500, FuzzRun.Iterations() / 2));
    }
}
