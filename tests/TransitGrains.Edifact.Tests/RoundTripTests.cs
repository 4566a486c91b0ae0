using System.Text.Json;
using CsCheck;

namespace TransitGrains.Edifact.Tests;

/// <summary>
/// Reading what a writer of the same syntax wrote gives back the same segments, whatever the service characters, the
/// data (every separator, the release character and Latin-1 letters among it) and the line breaks between segments.
/// </summary>
public sealed class RoundTripTests
{
    /// <summary>Characters that can serve as separators, release character or terminator: printable, not letters, digits or space.</summary>
    private static readonly char[] ServiceCandidates = ":+.?'*!\"#$%&()/;<=>@[]^_`{|}~\\-,".ToCharArray();

    private static readonly Gen<ServiceCharacters> Characters =
        Gen.Select(Gen.Int.Array[ServiceCandidates.Length], Gen.Bool, Gen.Char[' ', '~'], (keys, repeats, decimalMark) =>
        {
            // Five distinct candidates, in a random order.
            var chars = ServiceCandidates.Zip(keys).OrderBy(p => p.Second).Select(p => p.First).ToArray();
            return new ServiceCharacters(chars[0], chars[1], decimalMark, chars[2], repeats ? chars[3] : null, chars[4]);
        });

    /// <summary>Printable ISO 646 and the Latin-1 letters: every separator among them.</summary>
    private static readonly Gen<char> DataCharacter = Gen.Frequency(
        (6, Gen.Char[' ', '~']),
        (2, Gen.OneOf(ServiceCandidates)),
        (1, Gen.Char['\u00A0', '\u00FF']));

    private static readonly Gen<string> Component = DataCharacter.Array[0, 8].Select(chars => new string(chars));

    /// <summary>Tags of data segments: not the service segments' (UNA, UNB, UNH, …), which structure the interchange.</summary>
    private static readonly Gen<string> Tag =
        Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"].Array[3].Select(c => new string(c)).Where(t => !t.StartsWith("UN", StringComparison.Ordinal));

    private static Gen<Segment> Segments(ServiceCharacters characters) =>
        Gen.Select(
            Tag,
            Component.Array[1, 4].Select(c => (IReadOnlyList<string>)c).Array[1, characters.Repetition is null ? 1 : 3].Array[0, 6],
            (tag, elements) => new Segment(tag, elements.Select(r => new DataElement(r)).ToList()));

    private static readonly Gen<string> LineBreak = Gen.OneOf("", "\n", "\r\n");

    [Fact]
    public void Segments_read_back_as_they_were_written_for_any_service_characters_and_data()
    {
        Characters.SelectMany(c => Gen.Select(Gen.Const(c), Segments(c).List[1, 12], LineBreak))
            .Sample((characters, segments, lineBreak) =>
            {
                var text = new EdifactWriter(characters, lineBreak).Advice().Write(segments).ToString();

                var reader = new SegmentReader(text);
                var read = new List<Segment>();
                for (var segment = reader.Next(); segment is not null; segment = reader.Next())
                {
                    read.Add(segment);
                }

                Assert.Equal(characters, reader.Characters);
                Assert.Equal(segments.Select(Shape), read.Select(Shape));
                Assert.Equal(Enumerable.Range(1, segments.Count), read.Select(s => s.Position));
            }, iter: 500);
    }

    [Fact]
    public void An_interchange_written_with_its_envelope_reads_back_with_the_same_messages_references_and_parties()
    {
        var gen = Characters.SelectMany(c => Gen.Select(
            Gen.Const(c),
            Gen.Select(Component.Where(r => r.Length is > 0 and <= 14), Segments(c).List[0, 6]).List[1, 4],
            Gen.Select(Component.Where(s => s.Length > 0), Component.Where(s => s.Length is > 0 and <= 14), LineBreak)));
        gen.Sample((characters, messages, envelope) =>
        {
            var (sender, reference, lineBreak) = envelope;
            var identifier = new MessageIdentifier("CODECO", "D", "95B", "UN", "ITG14");
            var text = EdifactWriter.Interchange(characters, SyntaxLevel.UNOC, sender, "TRANSITGRAINS", ["201130", "0710"], reference,
                messages.Select(m => (m.Item1, identifier, (IReadOnlyList<Segment>)m.Item2)), lineBreak);

            var interchange = Interchange.Read(text);

            Assert.Equal((sender, "TRANSITGRAINS", reference), (interchange.Sender, interchange.Recipient, interchange.Reference));
            Assert.Equal(characters.Repetition is null ? 3 : 4, interchange.SyntaxVersion);
            Assert.Equal(messages.Select(m => m.Item1), interchange.Messages.Select(m => m.Reference));
            Assert.All(interchange.Messages, m => Assert.Equal(identifier, m.Identifier));
            Assert.Equal(messages.Select(m => m.Item2.Select(Shape).ToList()), interchange.Messages.Select(m => m.Segments.Select(Shape).ToList()));
        }, iter: 300);
    }

    [Fact]
    public void Every_service_character_in_data_is_released_and_only_those()
    {
        var characters = ServiceCharacters.Default;
        var text = new EdifactWriter(characters).Write(Segment.Of("FTX", ["AAA"], [""], ["?:+'*.x"])).ToString();

        // The decimal mark and * (no repetition below syntax version 4) are data as they are.
        Assert.Equal("FTX+AAA++???:?+?'*.x'", text);
    }

    /// <summary>A segment as nested lists of strings in JSON, to compare by value (unambiguously, whatever the data).</summary>
    private static string Shape(Segment segment) =>
        JsonSerializer.Serialize(new { segment.Tag, Elements = segment.Elements.Select(e => e.Repetitions) });
}
