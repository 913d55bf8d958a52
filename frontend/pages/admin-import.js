// Importing staff into a conversation (#/admin/conversations/<id>/import) from a CSV file
// chosen on this computer. The file is read and checked for encoding here, sent with a
// progress bar, and imported all or nothing: the answer is either a row-by-row report of
// who was created and who was already known, or the refused lines with the reason for each.

import { ApiError, api } from "../api.js";
import { adminConversation, adminHeader } from "../components/admin.js";
import { scrollingTable } from "../components/console.js";
import { checkboxField, errorSummary, handleForm, submitButton, textField } from "../components/form.js";
import { h, replaceChildren } from "../dom.js";
import { countOf, number } from "../format.js";
import { href } from "../router.js";

// The API's limits (ImportParticipantsRequest.csv and importing.MAX_IMPORT_ROWS).
const MAX_CHARACTERS = 5_000_000;
const MAX_ROWS = 50_000;
// Rows drawn in a report table; the counts above it cover every row.
const SHOWN_ROWS = 1_000;

const EXAMPLE = [
  "email,name,staff_group,site",
  "a.nurse@trust.example,Alex Nurse,Nursing,North",
  "b.porter@trust.example,Billie Porter,Estates,South",
  "c.lead@trust.example,Chris Lead,Medical,North",
].join("\n");

const OUTCOMES = { created: "Created", existing: "Already imported" };

/** Read a File as UTF-8 text, reporting progress; rejects with a message for people. */
function readText(file, onProgress) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    reader.addEventListener("error", () =>
      reject(new Error("The file could not be read. Choose it again and try once more.")),
    );
    reader.addEventListener("load", () => {
      try {
        resolve(new TextDecoder("utf-8", { fatal: true }).decode(reader.result));
      } catch {
        reject(
          new Error(
            "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8 (comma " +
              "delimited)” and choose it again.",
          ),
        );
      }
    });
    reader.readAsArrayBuffer(file);
  });
}

/** Code points, as the API counts them (a string's .length counts surrogate halves). */
function codePoints(text) {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** Lines with something on them, less the header: near enough to say how many rows. */
function roughRowCount(text) {
  let rows = -1;
  for (const line of text.split(/\r\n|\n|\r/)) if (line.trim()) rows += 1;
  return Math.max(rows, 0);
}

/** "csv.line.3.email" → { line: 3, column: "email" }; "csv.line.1" → { line: 1 }. */
export function problemPlace(field) {
  const found = /^csv\.line\.(\d+)(?:\.(.+))?$/.exec(field || "");
  return found ? { line: Number(found[1]), column: found[2] ?? null } : { line: null, column: null };
}

function table(caption, headers, rows, label) {
  return scrollingTable(
    h(
      "table",
      { class: ["table", "table--narrow"] },
      h("caption", { class: "table__caption" }, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((text) => h("th", { scope: "col", class: "table__header" }, text)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((cells) =>
          h(
            "tr",
            { class: "table__row" },
            cells.map((text, index) =>
              index === 0
                ? h("th", { scope: "row", class: ["table__cell", "table__cell--nowrap"] }, text)
                : h("td", { class: "table__cell" }, text),
            ),
          ),
        ),
      ),
    ),
    label,
  );
}

function shownNote(total) {
  return total > SHOWN_ROWS
    ? h("p", { class: "quiet" }, `The first ${number(SHOWN_ROWS)} of ${number(total)} rows are shown.`)
    : null;
}

/** The report of an import that went through. */
function reportView(conversation, report, fileName) {
  const heading = h(
    "h2",
    { class: "heading-m", id: "import-report-heading", tabindex: "-1" },
    "Import report",
  );
  const row = (term, value) =>
    h(
      "div",
      { class: "summary-list__row" },
      h("dt", { class: "summary-list__key" }, term),
      h("dd", { class: "summary-list__value" }, value),
    );
  const nothingNew = report.created === 0;
  const node = h(
    "section",
    { class: "admin-report", "aria-labelledby": "import-report-heading" },
    heading,
    h(
      "div",
      { class: ["notice", "notice--success"] },
      h(
        "p",
        { class: "notice__text" },
        nothingNew
          ? `Nothing new in ${fileName}: all ${countOf(report.existing, "person", "people")} ` +
              "had been imported before. Nobody was invited again."
          : `${fileName} has been imported: ${countOf(report.created, "new person", "new people")}` +
              `${report.existing ? `, ${number(report.existing)} already known` : ""}.`,
      ),
    ),
    h(
      "dl",
      { class: "summary-list" },
      row("Created", number(report.created)),
      row("Already imported", number(report.existing)),
      row("Newly in this conversation", number(report.enrolled)),
      row("Invited by email", number(report.invited)),
    ),
    report.invited
      ? h(
          "p",
          {},
          h(
            "a",
            { href: href(`/admin/conversations/${conversation.id}/invitations`) },
            "Follow the invitations as they go out",
          ),
        )
      : null,
    table(
      "Each row of the file",
      ["Line", "Email", "Result"],
      report.rows
        .slice(0, SHOWN_ROWS)
        .map((r) => [number(r.line), r.email, OUTCOMES[r.outcome] ?? r.outcome]),
      "Each row of the file",
    ),
    shownNote(report.rows.length),
  );
  return { node, heading };
}

/** The refused lines of an import that did not go through. */
function refusalView(error) {
  const heading = h(
    "h2",
    { class: "heading-m", id: "import-refused-heading", tabindex: "-1" },
    error.errors.length
      ? `Rows refused: ${number(error.errors.length)}`
      : "The file was refused",
  );
  const node = h(
    "section",
    { class: "admin-report", "aria-labelledby": "import-refused-heading" },
    heading,
    h(
      "p",
      {},
      "Nothing was imported. Correct these lines in the file, save it, and import it again.",
    ),
    error.errors.length
      ? table(
          "Refused lines and why",
          ["Line", "Column", "Problem"],
          error.errors.slice(0, SHOWN_ROWS).map((problem) => {
            const place = problemPlace(problem.field);
            return [
              place.line === null ? "—" : number(place.line),
              place.column ?? "(whole line)",
              problem.message,
            ];
          }),
          "Refused lines and why",
        )
      : h("p", {}, error.detail),
    shownNote(error.errors.length),
  );
  return { node, heading };
}

/** The progress of one import: a label that says which step it is on, and a bar. */
function progressView() {
  const labelId = "import-progress-label";
  const label = h("p", { class: "import-progress__label", id: labelId }, "");
  const bar = h("progress", { class: "import-progress__bar", max: 100, "aria-labelledby": labelId });
  // Screen readers hear each step once, not every percent.
  const spoken = h("p", { class: "visually-hidden", role: "status" });
  const element = h("div", { class: "import-progress", hidden: true }, label, bar, spoken);
  return {
    element,
    step(text, { fraction = null } = {}) {
      element.hidden = false;
      label.textContent = text;
      if (spoken.textContent !== text) spoken.textContent = text;
      if (fraction === null) bar.removeAttribute("value");
      else bar.value = Math.round(fraction * 100);
    },
    percent(text, fraction) {
      label.textContent = `${text} (${Math.round(fraction * 100)}%)`;
      bar.value = Math.round(fraction * 100);
    },
    hide() {
      element.hidden = true;
      spoken.textContent = "";
    },
  };
}

export default {
  auth: true,

  async render(ctx) {
    const loaded = await adminConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;

    const summary = errorSummary();
    const file = textField({
      name: "csv",
      label: "CSV file",
      hint:
        `UTF-8 text with a header row, up to ${number(MAX_ROWS)} rows. The file stays on ` +
        "this computer until you press Import.",
      type: "file",
    });
    file.input.setAttribute("accept", ".csv,text/csv");
    const invite = checkboxField({
      name: "send_invitations",
      label: "Email each new person an invitation with a sign-in link",
      hint: "People imported before are never invited again by an import.",
    });
    invite.input.checked = true;
    const progress = progressView();
    const results = h("div", { class: "admin-results" });

    const form = h(
      "form",
      { class: "form", "aria-label": "Import staff from a CSV file" },
      summary.element,
      file.element,
      invite.element,
      submitButton("Import"),
    );

    let text = null;
    handleForm(form, {
      fields: [file, invite],
      summary,
      validate() {
        const chosen = file.input.files?.[0];
        if (!chosen) return [{ field: file, text: "Choose the CSV file to import" }];
        if (!chosen.size) return [{ field: file, text: `${chosen.name} is empty` }];
        // Four bytes is the most one character can take in UTF-8.
        if (chosen.size > MAX_CHARACTERS * 4) {
          return [{ field: file, text: `${chosen.name} is too large: split it into smaller files` }];
        }
        return [];
      },
      describeError(error) {
        if (error.code === "import_rejected") {
          const refused = refusalView(error);
          replaceChildren(results, refused.node);
          return {
            items: [
              {
                text: error.errors.length
                  ? `${error.detail} The lines and what is wrong with each are listed below.`
                  : error.detail,
                field: file,
              },
            ],
          };
        }
        return undefined;
      },
      async submit() {
        const chosen = file.input.files[0];
        replaceChildren(results);
        try {
          progress.step("Step 1 of 3: reading the file", { fraction: 0 });
          try {
            text = await readText(chosen, (done, total) =>
              progress.percent("Step 1 of 3: reading the file", done / total),
            );
          } catch (problem) {
            throw new ApiError({ status: 0, code: "unreadable_file", detail: problem.message });
          }
          if (text.length > MAX_CHARACTERS && codePoints(text) > MAX_CHARACTERS) {
            throw new ApiError({
              status: 0,
              code: "file_too_large",
              detail: `${chosen.name} holds more than ${number(MAX_CHARACTERS)} characters: split it into smaller files.`,
            });
          }
          const rows = roughRowCount(text);
          progress.step("Step 2 of 3: sending the file", { fraction: 0 });
          const report = await api.importParticipants(
            { csv: text, conversationId: conversation.id, sendInvitations: invite.input.checked },
            {
              onUploadProgress: (sent, total) => {
                if (sent >= total) {
                  progress.step(
                    `Step 3 of 3: checking and importing ${countOf(rows, "row")}`,
                  );
                } else {
                  progress.percent("Step 2 of 3: sending the file", sent / total);
                }
              },
            },
          );
          const shown = reportView(conversation, report, chosen.name);
          replaceChildren(results, shown.node);
          shown.heading.focus();
        } catch (error) {
          if (error instanceof ApiError && ["unreadable_file", "file_too_large"].includes(error.code)) {
            file.setError(error.detail);
            summary.show([{ text: error.detail, field: file }]);
            return;
          }
          throw error;
        } finally {
          progress.hide();
        }
      },
    });

    return {
      title: `Import staff: ${conversation.title}`,
      node: h(
        "div",
        {},
        adminHeader(conversation, "Import staff", "import"),
        h(
          "div",
          { class: "reading-width" },
          h(
            "p",
            {},
            "Choose a CSV file with one row per member of staff. Everyone in it takes part in " +
              "this conversation; people new to Candour are created and, if you choose, " +
              "invited by email.",
          ),
          h(
            "ul",
            { class: "list-bullets" },
            h("li", {}, "The header row must have an “email” column."),
            h(
              "li",
              {},
              "“name” is optional: it is used only to spot posts that name someone, and " +
                "never shown with anything anyone posts.",
            ),
            h(
              "li",
              {},
              "“role” is optional: participant (the default), facilitator, sponsor or admin.",
            ),
            h(
              "li",
              {},
              "Any other column, such as staff group or site, is kept as an attribute and " +
                "only ever counted in groups.",
            ),
            h(
              "li",
              {},
              "All or nothing: if any row is wrong, nothing is imported and every wrong line " +
                "is listed. Importing the same file again changes nothing.",
            ),
          ),
          h(
            "details",
            { class: ["details", "details--compact"] },
            h(
              "summary",
              { class: "details__summary" },
              h("span", { class: "details__summary-text" }, "An example file"),
            ),
            h("div", { class: "details__text" }, h("pre", { class: "code-sample" }, EXAMPLE)),
          ),
          form,
          progress.element,
        ),
        results,
      ),
    };
  },
};
