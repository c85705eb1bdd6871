import { registry } from "@web/core/registry";

const ROWS = ".o_form_view .o_field_widget[name=row_ids]";
// An open item's row (a proposal's row has the Accept button instead).
const itemRow = (text) =>
    `${ROWS} .o_data_row:not(:has(button[name=action_accept])):contains(${text})`;

registry.category("web_tour.tours").add("bank_api_sync_reconcile_screen", {
    steps: () => [
        {
            content: "The review list shows the line with our proposal",
            trigger: ".o_list_view .o_data_row:contains(Zapłata FV/2026/11/0501) td[name=bank_api_best_reason]:not(:empty)",
        },
        {
            content: "Open the reconciliation screen on the line",
            trigger: ".o_list_view .o_data_row:contains(Zapłata FV/2026/11/0501) button[name=action_bank_api_reconcile_by_hand]",
            run: "click",
        },
        {
            content: "The screen shows the bank line",
            trigger: ".o_form_view .o_field_widget[name=line_payment_ref]:contains(Zapłata FV/2026/11/0501)",
        },
        {
            content: "Our proposal comes first, with its reason",
            trigger: `${ROWS} .o_data_row:has(button[name=action_accept]) td[name=reason]:contains(FV/2026/11/0501)`,
        },
        {
            content: "Nothing is applied yet: the whole line is the difference",
            trigger: ".o_form_view .o_form_statusbar .o_field_widget[name=difference]:contains(1,230.00)",
        },
        {
            content: "Accept the proposal",
            trigger: `${ROWS} .o_data_row:contains(FV/2026/11/0501) button[name=action_accept]`,
            run: "click",
        },
        {
            content: "The next line of the journal is shown on the same screen",
            trigger: ".o_form_view .o_field_widget[name=line_payment_ref]:contains(Wpłata częściowa)",
        },
        {
            content: "Search every partner's open items",
            trigger: ".o_form_view .o_field_widget[name=search_text] input",
            run: "edit 0502",
        },
        {
            trigger: ".o_form_view button[name=action_search]",
            run: "click",
        },
        {
            content: "Tick the invoice the payer pays",
            trigger: `${itemRow("FV/2026/11/0502")} td[name=selected]`,
            run: "click",
        },
        {
            content: "It takes what the line brings",
            trigger: ".o_form_view .o_field_widget[name=selected_total]:contains(1,487.70)",
        },
        {
            content: "The customer paid 1 500.00 of it: a partial amount",
            trigger: `${itemRow("FV/2026/11/0502")} td[name=amount_to_apply] input`,
            run: "edit 1500",
        },
        {
            content: "The bank kept a fee: write it off",
            trigger: ".o_form_view .o_field_widget[name=write_off_account_id] input",
            run: "edit Bank charges",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Bank charges)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=write_off_label] input",
            run: "edit Bank fee",
        },
        {
            content: "The fee written off",
            trigger: ".o_form_view .o_field_widget[name=write_off_amount]:contains(-12.30)",
        },
        {
            content: "Nothing left: the difference is zero",
            trigger: ".o_form_view .o_form_statusbar .o_field_widget[name=difference].text-success",
            run() {
                // The test takes the README's screenshot on this message.
                console.log("bank_api_sync: screenshot reconciliation_screen");
            },
        },
        {
            content: "Let the screenshot be taken",
            trigger: ".o_form_view",
            async run() {
                await new Promise((resolve) => setTimeout(resolve, 1000));
            },
        },
        {
            content: "Reconcile and go on",
            trigger: ".o_form_view button[name=action_reconcile_next]",
            run: "click",
        },
        {
            content: "No line left: the journal's review list is empty",
            trigger: ".o_view_nocontent:contains(Nothing to review)",
        },
    ],
});

registry.category("web_tour.tours").add("bank_api_sync_reconcile_screen_keys", {
    steps: () => [
        {
            content: "The journal's card offers the reconciliation screen",
            trigger: ".o_kanban_record:contains(Matching Bank) button[name=action_bank_api_reconcile_screen]",
            run: "click",
        },
        {
            content: "It opens on the line with a proposal first",
            trigger: ".o_form_view .o_field_widget[name=line_payment_ref]:contains(Zapłata FV/2026/11/0501)",
        },
        {
            content: "Alt+K skips it",
            trigger: ".o_form_view button[name=action_skip]",
            run: "press alt+k",
        },
        {
            content: "The next line, on the same screen",
            trigger: ".o_form_view .o_field_widget[name=line_payment_ref]:contains(Wpłata bez tytułu)",
        },
        {
            content: "Search all partners by name",
            trigger: ".o_form_view .o_field_widget[name=search_text] input",
            run: "edit Nowak",
        },
        {
            content: "Alt+F searches",
            trigger: ".o_form_view button[name=action_search]",
            run: "press alt+f",
        },
        {
            content: "Tick the customer's invoice: the line pays part of it",
            trigger: ".o_form_view .o_field_widget[name=row_ids] .o_data_row:contains(Nowak PHU) td[name=selected]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_statusbar .o_field_widget[name=difference].text-success",
        },
        {
            content: "Alt+V reconciles and goes on: the skipped line is left for the list",
            trigger: ".o_form_view button[name=action_reconcile_next]",
            run: "press alt+v",
        },
        {
            content: "The journal's open lines: only the skipped one",
            trigger: ".o_list_view .o_data_row:contains(Zapłata FV/2026/11/0501)",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Wpłata bez tytułu)))",
        },
    ],
});
