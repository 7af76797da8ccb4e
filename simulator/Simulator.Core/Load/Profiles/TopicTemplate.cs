using System.Text;

namespace Simulator.Core.Load.Profiles;

/// <summary>
/// A topic with <c>{id}</c> where each device's client id goes (<c>device.topic</c>,
/// <c>commands.topic</c>), split once when a run starts: a device's topic is its parts joined
/// around its id, with no search and replace per connect or per message.
/// </summary>
internal sealed class TopicTemplate
{
    private const string Placeholder = "{id}";
    private readonly string[] _parts;

    private TopicTemplate(string text, string[] parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>What comes before the first <c>{id}</c> (the whole topic when there is none).</summary>
    public string Prefix => _parts[0];

    /// <summary>What comes after the last <c>{id}</c> (empty when there is none).</summary>
    public string Suffix => _parts.Length == 1 ? string.Empty : _parts[^1];

    /// <summary>The template as the profile wrote it.</summary>
    public string Text { get; }

    public static TopicTemplate Parse(string template) => new(template, template.Split(Placeholder));

    /// <summary>The topic of the device with <paramref name="clientId"/>.</summary>
    public string For(string clientId) => _parts.Length == 1 ? Text : string.Join(clientId, _parts);

    /// <summary>The same, as the UTF-8 a PUBLISH or SUBSCRIBE carries.</summary>
    public byte[] Utf8For(string clientId) => Encoding.UTF8.GetBytes(For(clientId));
}
