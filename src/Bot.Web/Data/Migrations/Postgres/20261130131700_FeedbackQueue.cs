using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Bot.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FeedbackQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AnonymisedAt",
                table: "unanswered_questions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Answer",
                table: "unanswered_questions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AnswerEntryId",
                table: "unanswered_questions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AnsweredAt",
                table: "unanswered_questions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AnsweredBy",
                table: "unanswered_questions",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AssignedTo",
                table: "unanswered_questions",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Category",
                table: "unanswered_questions",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "information");

            migrationBuilder.AddColumn<string>(
                name: "Delivery",
                table: "unanswered_questions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DismissReason",
                table: "unanswered_questions",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "GroupId",
                table: "unanswered_questions",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Notes",
                table: "unanswered_questions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Signature",
                table: "unanswered_questions",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "unanswered_questions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "new");

            migrationBuilder.AddColumn<string>(
                name: "Type",
                table: "unanswered_questions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "question");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "UpdatedAt",
                table: "unanswered_questions",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.CreateTable(
                name: "webchat_mailbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ProtectedActivity = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
