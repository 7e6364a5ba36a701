using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bot.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FeedbackQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AnonymisedAt",
                table: "unanswered_questions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Answer",
                table: "unanswered_questions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AnswerEntryId",
                table: "unanswered_questions",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "AnsweredAt",
                table: "unanswered_questions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AnsweredBy",
                table: "unanswered_questions",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AssignedTo",
                table: "unanswered_questions",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Category",
                table: "unanswered_questions",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "information");

            migrationBuilder.AddColumn<string>(
                name: "Delivery",
                table: "unanswered_questions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DismissReason",
                table: "unanswered_questions",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "GroupId",
                table: "unanswered_questions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Notes",
                table: "unanswered_questions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Signature",
                table: "unanswered_questions",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "unanswered_questions",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "new");

            migrationBuilder.AddColumn<string>(
                name: "Type",
                table: "unanswered_questions",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "question");

            migrationBuilder.AddColumn<long>(
                name: "UpdatedAt",
                table: "unanswered_questions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "webchat_mailbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProtectedActivity = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webchat_mailbox", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_unanswered_questions_GroupId",
                table: "unanswered_questions",
                column: "GroupId");

            migrationBuilder.CreateIndex(
                name: "IX_unanswered_questions_Status_GroupId",
                table: "unanswered_questions",
                columns: new[] { "Status", "GroupId" });

            migrationBuilder.CreateIndex(
                name: "IX_webchat_mailbox_UserId",
                table: "webchat_mailbox",
                column: "UserId");
            // Items recorded before this migration: their type and category from the reason they were recorded for.
            migrationBuilder.Sql("UPDATE unanswered_questions SET \"Type\" = \"Reason\" WHERE \"Reason\" IN ('complaint', 'suggestion', 'feedback');");
            migrationBuilder.Sql("UPDATE unanswered_questions SET \"Category\" = 'out-of-scope' WHERE \"Reason\" = 'out-of-scope';");
            migrationBuilder.Sql("UPDATE unanswered_questions SET \"GroupId\" = \"Id\", \"UpdatedAt\" = \"CreatedAt\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "webchat_mailbox");

            migrationBuilder.DropIndex(
                name: "IX_unanswered_questions_GroupId",
                table: "unanswered_questions");

            migrationBuilder.DropIndex(
                name: "IX_unanswered_questions_Status_GroupId",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "AnonymisedAt",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "Answer",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "AnswerEntryId",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "AnsweredAt",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "AnsweredBy",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "AssignedTo",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "Category",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "Delivery",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "DismissReason",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "GroupId",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "Notes",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "Signature",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "Type",
                table: "unanswered_questions");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                table: "unanswered_questions");
        }
    }
}
