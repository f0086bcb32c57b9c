using Gallery.Media;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gallery.Pages;

public sealed class DeletedModel(DeletedFiles deleted) : PageModel
{
    public IReadOnlyList<DeletedFile> Files { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Files = await deleted.ListAsync(cancellationToken);

    public async Task<IActionResult> OnPostRestoreAsync(string name, CancellationToken cancellationToken)
    {
        TempData["Notice"] = await deleted.RestoreAsync(name, cancellationToken)
            ? $"Restored {name}."
            : $"{name} is not deleted; nothing to restore.";
        return RedirectToPage("/Index");
    }
}
