using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Strata.AspNetCore.Static;

/// <summary>
/// <c>&lt;link strata-static="css/site.css" rel="stylesheet"&gt;</c>, <c>&lt;script strata-static="js/app.js"&gt;</c>,
/// <c>&lt;img strata-static="img/logo.svg"&gt;</c>: sets <c>href</c> or <c>src</c> to the static file's URL
/// (<see cref="StaticUrls"/>). Enable with <c>@addTagHelper *, Strata.AspNetCore</c>.
/// </summary>
// Void elements, as ASP.NET Core's own LinkTagHelper declares them: without it Razor refuses `<link ... strata-static="...">` (RZ1042).
[HtmlTargetElement("link", Attributes = AttributeName, TagStructure = TagStructure.WithoutEndTag)]
[HtmlTargetElement("script", Attributes = AttributeName)]
[HtmlTargetElement("img", Attributes = AttributeName, TagStructure = TagStructure.WithoutEndTag)]
public sealed class StaticLink(StaticUrls urls) : TagHelper
{
    private const string AttributeName = "strata-static";

    /// <summary>The static file's name, such as <c>css/site.css</c>.</summary>
    [HtmlAttributeName(AttributeName)]
    public string Name { get; set; } = "";

    /// <inheritdoc />
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.Attributes.SetAttribute(output.TagName == "link" ? "href" : "src", urls.Url(Name));
    }
}
